"""Energy-based models: a state's probability falls as its energy rises.

- :class:`BoltzmannMachine`: binary units all joined by symmetric connections; small
  ones can list every state and compute the Boltzmann distribution exactly.
- :class:`RBM`: a restricted Boltzmann machine, visible and hidden units with connections
  only between the two groups, trained by contrastive divergence.
- :func:`train_rbm`: an RBM trained on scikit-learn's bundled digits, with pictures.
"""

from thirdroad.nn.energy.boltzmann import BoltzmannMachine, all_states
from thirdroad.nn.energy.digits import RBMRun, load_binary_digits, train_rbm
from thirdroad.nn.energy.rbm import RBM, CDUpdate

__all__ = ["RBM", "BoltzmannMachine", "CDUpdate", "RBMRun", "all_states", "load_binary_digits", "train_rbm"]
