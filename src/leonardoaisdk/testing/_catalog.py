"""Leonardo's catalogue as ``GET /platformModels`` and ``GET /elements`` list it.

Names and ids are those of real platform models (the first is the ``modelId`` the SDK's
``CreateGenerationRequestBody`` sends by default); the descriptions are our own summaries.
Element ids are stable UUIDs made from their names. Preview images are served by the local
CDN (``/cdn/catalog/<id>/preview.png``).
"""

from __future__ import annotations

import uuid
from typing import Any, Dict, List, NamedTuple

THUMBNAIL_SIDE = 256
ELEMENT_NAMESPACE = uuid.UUID("8e4a3f0c-51a4-4d3e-9d0b-6f6a1c2e7b10")


class PlatformModel(NamedTuple):
    id: str
    name: str
    description: str
    featured: bool


PLATFORM_MODELS = (
    PlatformModel(
        "6bef9f1b-29cb-40c7-b9df-32b51c1f67d3",
        "Leonardo Creative",
        "A general-purpose model that leans towards imaginative, varied results.",
        True,
    ),
    PlatformModel(
        "cd2b2a15-9760-4174-a5ff-4d2925057376",
        "Leonardo Select",
        "A general-purpose model tuned for polished, consistent images.",
        True,
    ),
    PlatformModel(
        "291be633-cb24-434f-898f-e662799936ad",
        "Leonardo Signature",
        "A general-purpose model with a strong house style and high contrast.",
        True,
    ),
    PlatformModel(
        "1e60896f-3c26-4296-8ecc-53e2afecc132",
        "Leonardo Diffusion XL",
        "An SDXL-based model that renders striking images from short prompts.",
        True,
    ),
    PlatformModel(
        "aa77f04e-3eec-4034-9c07-d0f619684628",
        "Leonardo Kino XL",
        "An SDXL-based model for cinematic, wide-frame photographic scenes.",
        True,
    ),
    PlatformModel(
        "5c232a9e-9061-4777-980a-ddc8e65647c6",
        "Leonardo Vision XL",
        "An SDXL-based model for realistic photography and fine detail.",
        True,
    ),
    PlatformModel(
        "b24e16ff-06e3-43eb-8d33-4416c2d75876",
        "Leonardo Lightning XL",
        "A fast SDXL-based model for quick drafts in many styles.",
        True,
    ),
    PlatformModel(
        "e316348f-7773-490e-adcd-46757c738eb7",
        "Absolute Reality v1.6",
        "A photorealistic model for portraits and everyday scenes.",
        False,
    ),
    PlatformModel(
        "ac614f96-1082-45bf-be9d-757f2d31c174",
        "DreamShaper v7",
        "A versatile model between illustration and photography.",
        False,
    ),
    PlatformModel(
        "2067ae52-33fd-4a82-bb92-c2c55e7d2786",
        "AlbedoBase XL",
        "A community SDXL model that does well on prompts asking for realism.",
        False,
    ),
    PlatformModel(
        "16e7060a-803e-4df3-97ee-edcfa5dc9cc8",
        "SDXL 1.0",
        "Stability AI's base SDXL model, without Leonardo's fine-tuning.",
        False,
    ),
)


class Element(NamedTuple):
    name: str
    description: str
    base_model: str
    weight_default: int


ELEMENTS = (
    Element("Baroque", "Ornate, dramatic detail in the manner of the 17th century.", "v1_5", 1),
    Element("Biopunk", "Organic machinery and living technology.", "v1_5", 1),
    Element("Coloring Book", "Clean black outlines on white, ready to colour in.", "v1_5", 1),
    Element("Crystalline", "Subjects made of faceted, glowing crystal.", "SDXL_1_0", 1),
    Element("Glass Sculptures", "Translucent figures of blown glass.", "SDXL_1_0", 1),
    Element("Ivory & Gold", "Pale ivory surfaces inlaid with gold.", "SDXL_1_0", 1),
    Element("Lunar Punk", "Moonlit, cool-toned fantasy with a soft glow.", "v1_5", 1),
    Element("Toxic Punk", "Acid greens and dripping, corroded textures.", "v1_5", 1),
)


def platform_models_json(origin: str) -> List[Dict[str, Any]]:
    return [
        {
            "id": model.id,
            "name": model.name,
            "description": model.description,
            "featured": model.featured,
            "nsfw": False,
            "generated_image": {
                "id": str(uuid.uuid5(ELEMENT_NAMESPACE, f"preview of {model.id}")),
                "url": f"{origin}/cdn/catalog/{model.id}/preview.png",
            },
        }
        for model in PLATFORM_MODELS
    ]


def elements_json(origin: str) -> List[Dict[str, Any]]:
    listed = []
    for element in ELEMENTS:
        ident = str(uuid.uuid5(ELEMENT_NAMESPACE, element.name))
        listed.append(
            {
                "akUUID": ident,
                "name": element.name,
                "description": element.description,
                "baseModel": element.base_model,
                "creatorName": "Leonardo",
                "urlImage": f"{origin}/cdn/catalog/{ident}/preview.png",
                "weightDefault": element.weight_default,
                "weightMin": -1,
                "weightMax": 2,
            }
        )
    return listed
