"""Response bodies shaped like the live API's, including values newer than the 2024-02 spec."""

from __future__ import annotations

from typing import Any, Dict, List

GENERATION_ID = "7f2c1a9e-3b4d-4e5f-8a6b-1c2d3e4f5a6b"
USER_ID = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"
MODEL_ID = "6bef9f1b-29cb-40c7-b9df-32b51c1f67d3"
CDN = "https://cdn.leonardo.ai/users"


def image(generation_id: str, index: int, variations: bool = True) -> Dict[str, Any]:
    return {
        "url": f"{CDN}/{USER_ID}/generations/{generation_id}/Default_cat_{index}.jpg",
        "nsfw": False,
        "id": f"{generation_id[:-4]}{index:04d}",
        "likeCount": 0,
        "motionMP4URL": None,
        "imageToVideo": None,
        "motion": None,
        "motionModel": None,
        "motionStrength": None,
        "generated_image_variation_generics": [
            {
                "url": f"{CDN}/{USER_ID}/variations/{generation_id}/upscale_{index}.jpg",
                "status": "COMPLETE",
                "id": f"{generation_id[:-4]}{index + 100:04d}",
                "transformType": "UPSCALE",
            }
        ]
        if variations
        else [],
    }


def generation(
    generation_id: str = GENERATION_ID, images: int = 4, variations: bool = True, **overrides: Any
) -> Dict[str, Any]:
    body: Dict[str, Any] = {
        "generated_images": [image(generation_id, i, variations) for i in range(images)],
        "modelId": MODEL_ID,
        "motion": None,
        "motionModel": None,
        "motionStrength": None,
        "prompt": "An oil painting of a cat wearing a tiny crown, dramatic lighting",
        "negativePrompt": "blurry, low quality",
        "imageHeight": 768,
        "imageToVideo": None,
        "imageWidth": 1024,
        "inferenceSteps": 15,
        "seed": 465788672,
        "public": False,
        "scheduler": "EULER_DISCRETE",
        "sdVersion": "SDXL_LIGHTNING",
        "status": "COMPLETE",
        "presetStyle": "DYNAMIC",
        "initStrength": None,
        "guidanceScale": 7,
        "id": generation_id,
        "createdAt": "2024-02-13T10:21:34.817",
        "promptMagic": False,
        "promptMagicVersion": None,
        "promptMagicStrength": None,
        "photoReal": False,
        "photoRealStrength": None,
        "fantasyAvatar": None,
        "generation_elements": [
            {
                "id": 13671,
                "weightApplied": 0.5,
                "lora": {
                    "akUUID": "ab200606-5d09-4e1e-9050-0b05b839e944",
                    "baseModel": "SDXL_1_0",
                    "description": "A glowing, ethereal look",
                    "name": "Glowing",
                    "urlImage": "https://cdn.leonardo.ai/elements/glow.jpg",
                    "weightDefault": 1,
                    "weightMax": 2,
                    "weightMin": -1,
                },
            }
        ],
    }
    body.update(overrides)
    return body


def generations_page(count: int = 50, images: int = 4) -> Dict[str, Any]:
    """A list page as the API sends it: variations and elements are usually empty there."""
    ids: List[str] = [f"7f2c1a9e-3b4d-4e5f-8a6b-{n:012d}" for n in range(count)]
    return {
        "generations": [
            generation(i, images, variations=False, generation_elements=[]) for i in ids
        ]
    }
