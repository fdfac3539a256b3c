package com.ffs.validator.image;

/**
 * What an image's header says before anything is decoded: its size as decoded (the canvas for animations) and the
 * memory its decoder will use on top of the RGB result (its own raster, native buffers, copies), computed from the
 * header's fields: samples, bit depth, palette, compression, frames.
 *
 * @param format the container
 * @param width width of the decoded image
 * @param height height of the decoded image
 * @param workingBytes the decoder's memory besides the 8-bit RGB result
 * @param input the bytes to give the decoder: the original, or a copy without parts it must not see
 * @param defect a fault found past the size fields (e.g. too few bytes for the rows), reported after the pixel
 *        cap so that a bomb is called a bomb; null when none
 */
record ImageHeader(ImageFormat format, long width, long height, long workingBytes, byte[] input,
        IntakeException defect) {

    ImageHeader(ImageFormat format, long width, long height, long workingBytes, byte[] input) {
        this(format, width, height, workingBytes, input, null);
    }

    /** Reads the header of {@code bytes} in {@code format}; throws {@code DECODE_FAILED} or {@code UNSUPPORTED_FORMAT}. */
    static ImageHeader read(ImageFormat format, byte[] bytes) {
        ImageHeader header = switch (format) {
            case PNG -> PngHeader.read(bytes);
            case JPEG -> JpegHeader.read(bytes);
            case GIF -> GifHeader.read(bytes);
            case BMP -> BmpHeader.read(bytes);
            case TIFF -> TiffHeader.read(bytes);
            case WEBP -> WebpHeader.read(bytes);
            default -> throw new IntakeException(IntakeError.UNSUPPORTED_FORMAT, format.displayName()
                    + " is not decoded by this service");
        };
        if (header.width <= 0 || header.height <= 0) {
            throw new IntakeException(IntakeError.DECODE_FAILED, format.displayName() + " declares an empty size "
                    + header.width + "x" + header.height);
        }
        return header;
    }

    /** Pixels of the decoded image. */
    long pixels() {
        return width * height;
    }
}
