"""The ``SdGenerationSchedulers`` enum."""

from __future__ import annotations

from ..._enum import ApiEnum


class SdGenerationSchedulers(ApiEnum):
    r"""The scheduler to generate images with. Defaults to EULER_DISCRETE if not specified."""

    KLMS = "KLMS"
    EULER_ANCESTRAL_DISCRETE = "EULER_ANCESTRAL_DISCRETE"
    EULER_DISCRETE = "EULER_DISCRETE"
    DDIM = "DDIM"
    DPM_SOLVER = "DPM_SOLVER"
    PNDM = "PNDM"
    LEONARDO = "LEONARDO"
