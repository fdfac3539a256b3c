import unittest

from support import SAMPLES  # noqa: F401
from ffs_export import standin, tokenizer_files


class CanonicalizeTest(unittest.TestCase):

    def test_removes_punctuation_lowercases_and_turns_underscores_into_spaces(self):
        self.assertEqual(tokenizer_files.canonicalize("Men's T-Shirt, size XL!"), "mens tshirt size xl")
        self.assertEqual(tokenizer_files.canonicalize("leather_handbag  with\tgold"), "leather handbag with gold")
        self.assertEqual(tokenizer_files.canonicalize("  Rock &amp;amp; Roll  "), "rock roll")
        self.assertEqual(tokenizer_files.canonicalize("Café Crème"), "café crème")


class FixedPaddingTest(unittest.TestCase):

    def setUp(self):
        self.tok = standin.WordTokenizer(["<pad>", "</s>", "<unk>"], None, "</s>", "</s>", specials_first=True,
                                         length=64)
        self.original = self.tok.tokenizer_json()

    def test_padding_section_names_length_id_and_token(self):
        out = tokenizer_files.with_fixed_padding(self.original, 64, 1)
        self.assertEqual(out["padding"]["strategy"], {"Fixed": 64})
        self.assertEqual(out["padding"]["pad_id"], 1)
        self.assertEqual(out["padding"]["pad_token"], "</s>")
        self.assertEqual(out["padding"]["direction"], "Right")
        self.assertEqual(out["truncation"]["max_length"], 64)
        self.assertIsNone(self.original["padding"], "the input is not modified")

    def test_pad_token_is_found_in_every_vocabulary_kind(self):
        unigram = {"added_tokens": [], "model": {"type": "Unigram", "vocab": [["<pad>", 0.0], ["</s>", 0.0]]}}
        self.assertEqual(tokenizer_files.token_for_id(unigram, 1), "</s>")
        bpe = {"added_tokens": [{"id": 49407, "content": "<|endoftext|>"}], "model": {"vocab": {"a": 0}}}
        self.assertEqual(tokenizer_files.token_for_id(bpe, 49407), "<|endoftext|>")
        with self.assertRaises(ValueError):
            tokenizer_files.token_for_id(bpe, 5)

    def test_zero_length_is_refused(self):
        with self.assertRaises(ValueError):
            tokenizer_files.with_fixed_padding(self.original, 0, 1)


class ServiceEncodingTest(unittest.TestCase):

    def test_short_sequences_are_padded_and_masked(self):
        ids, mask = tokenizer_files.service_encoding([5, 6, 1], 6, 1)
        self.assertEqual(ids, [5, 6, 1, 1, 1, 1])
        self.assertEqual(mask, [1, 1, 1, 0, 0, 0])

    def test_long_sequences_keep_their_end_token(self):
        ids, mask = tokenizer_files.service_encoding(list(range(10, 20)) + [1], 4, 0)
        self.assertEqual(ids, [10, 11, 12, 1])
        self.assertEqual(mask, [1, 1, 1, 1])

    def test_matches_the_stand_in_library_tokenizer(self):
        tok = standin.WordTokenizer(["<pad>", "</s>", "<unk>"], None, "</s>", "</s>", specials_first=True,
                                    length=8, clean=tokenizer_files.canonicalize)
        texts = ["Men's T-Shirt!", "white sneakers " * 10]
        library_ids, _ = tok(texts)
        for text, row in zip(texts, library_ids.tolist()):
            self.assertEqual(tokenizer_files.service_encoding(tok.ids(text), 8, 1)[0], row)


if __name__ == "__main__":
    unittest.main()
