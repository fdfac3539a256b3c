package com.ffs.validator.cli;

/** How {@code bulk} reads its input. */
enum InputFormat {
    /** By the file name ({@code .csv}, {@code .jsonl}, {@code .ndjson}), else by the first line. */
    AUTO,
    /** One image per line: an http(s) URL, a data: URI or base64. */
    TEXT,
    /** A header with a {@code url} column and optionally {@code id}, then one image per row. */
    CSV,
    /** One JSON object per line with {@code url} and optionally {@code id}. */
    JSONL
}
