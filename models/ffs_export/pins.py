"""The models the service serves, pinned to hub revisions (commit hashes). ``export.py --revision kind=SHA``
overrides a pin; the manifest records the revision actually exported."""

MODELS = {
    "nsfw": {"repo": "Falconsai/nsfw_image_detection", "revision": "63e0a066bb08d2ae47324b540fba3adfd4536569"},
    "clip": {"repo": "laion/CLIP-ViT-B-32-laion2B-s34B-b79K", "revision": "683c01301a96322f746472d8ecd38ec4a0368bc3"},
    "siglip": {"repo": "Marqo/marqo-fashionSigLIP", "revision": "e5619578fd528afa0bf88d8fae37748336a57fa2"},
}
