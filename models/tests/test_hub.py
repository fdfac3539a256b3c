import unittest

from support import MODELS  # noqa: F401
from ffs_export import hub, pins


class HubLayerTest(unittest.TestCase):
    """The hub layer needs transformers and OpenCLIP to run; here only its shape is checked."""

    def test_imports_without_the_model_libraries_and_covers_every_pinned_model(self):
        self.assertEqual(set(hub.LOADERS), set(pins.MODELS))
        for pin in pins.MODELS.values():
            self.assertRegex(pin["revision"], "^[0-9a-f]{40}$")

    def test_reads_the_pinned_requirements(self):
        names = [line.split("==")[0] for line in (MODELS / "requirements.txt").read_text().splitlines()
                 if "==" in line and not line.startswith("#")]
        self.assertIn("torch", names)
        self.assertIn("open_clip_torch", names)
        for line in hub.check_versions():
            self.assertIn(line.split()[0], names)


if __name__ == "__main__":
    unittest.main()
