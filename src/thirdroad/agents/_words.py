"""Words for the geometric pieces every story is built from: turns, mirrors and stretches."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from thirdroad.agents import _format as fmt
from thirdroad.agents._classify import rotation_params

FloatMatrix = NDArray[np.float64]


def axis_name(k: int, n: int) -> str:
    """``x``, ``y``, ``z`` in up to three dimensions, ``axis 4`` beyond."""
    return "xyz"[k] if n <= 3 else f"axis {k + 1}"


def space_name(n: int) -> str:
    return {1: "the line", 2: "the plane", 3: "space"}.get(n, f"{n}-D space")


def measure_name(n: int) -> str:
    return {1: "lengths", 2: "areas", 3: "volumes"}.get(n, f"{n}-D volumes")


def turn(q: FloatMatrix) -> str:
    """An orthogonal matrix as an action: "rotate by 30°", "mirror across the line at 15°"."""
    n = q.shape[0]
    det = float(np.linalg.det(q))
    if np.allclose(q, np.eye(n), atol=1e-12):
        return "leave as is"
    if det > 0:
        params = rotation_params(q)
        if n == 2:
            return f"rotate by {fmt.degrees(params['angle'])}"
        if n == 3:
            return f"rotate by {fmt.degrees(params['angle'])} about the axis {fmt.vector(params['axis'])}"
        return "turn (keeping lengths and angles)"
    if n == 1:
        return "flip"
    if n == 2:
        # a 2-D orthogonal matrix with det -1 mirrors across the line at half its angle
        line = (math.atan2(q[1, 0], q[0, 0]) / 2) % math.pi
        return f"mirror across the line at {fmt.degrees(line)}"
    if n == 3:
        # -q turns by θ about a; so q mirrors across the plane ⟂ a and turns by θ - 180° about a
        params = rotation_params(-q)
        mirror = f"mirror across the plane perpendicular to {fmt.vector(params['axis'])}"
        rest = params["angle"] - math.pi
        if abs(rest) < 1e-9:
            return mirror
        return f"rotate by {fmt.degrees(rest)} about the axis {fmt.vector(params['axis'])} and {mirror}"
    return "turn and mirror (keeping lengths and angles)"


def stretch(factors: NDArray[np.float64], n: int, *, third_person: bool = False) -> str:
    """Diagonal factors as an action: "stretch by 3 along x and by 0.5 along y, and flip y"."""
    verbs = ("squashes", "keeps", "stretches", "flips") if third_person else ("squash", "keep", "stretch", "flip")
    squash, keep, stretch_, flip = verbs
    parts = []
    flips = []
    stretching = False
    for k, s in enumerate(factors):
        name = axis_name(k, n)
        if abs(s) < 1e-12:
            parts.append(f"{squash} {name} to 0")
            stretching = False
        elif abs(abs(s) - 1) < 1e-12:
            parts.append(f"{keep} {name}")
            stretching = False
        else:
            said = f"by {fmt.num(abs(s))} along {name}"
            parts.append(said if stretching else f"{stretch_} {said}")
            stretching = True
        if s < -1e-12:
            flips.append(name)
    magnitudes = set(np.round(np.abs(factors), 12).tolist())
    if len(magnitudes) == 1 and len(factors) > 1 and parts[0].startswith(stretch_):
        text = parts[0].replace(f" along {axis_name(0, n)}", " in every direction")
    elif len(magnitudes) == 1 and len(factors) > 1 and parts[0].startswith(keep):
        text = f"{keep} all sizes"
    else:
        text = fmt.and_join(parts)
    if flips:
        text += f", and {flip} {fmt.and_join(flips)}"
    return text
