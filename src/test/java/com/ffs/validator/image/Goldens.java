package com.ffs.validator.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the golden files written by {@code src/test/python/make_goldens.py}: the manifest, the input images and the
 * {@code .npz} archives of Pillow's results.
 */
final class Goldens {

    static final String DIR = "/images/golden/";
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private Goldens() {
    }

    static JsonNode manifest() {
        try (InputStream in = resource("manifest.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every case whose flags include {@code flag}, leaving out files Pillow refuses (they have no results). */
    static List<String> cases(String flag) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : manifest().get("cases")) {
            if (c.path(flag).asBoolean(false) && !c.has("refused")) {
                out.add(c.get("file").asText());
            }
        }
        return out;
    }

    static JsonNode caseOf(String file) {
        for (JsonNode c : manifest().get("cases")) {
            if (c.get("file").asText().equals(file)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no golden case " + file);
    }

    static PreprocessorConfig model(String name) {
        return PreprocessorConfig.parse(manifest().get("models").get(name));
    }

    static byte[] bytes(String file) {
        try (InputStream in = resource(file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String file) {
        InputStream in = Goldens.class.getResourceAsStream(DIR + file);
        if (in == null) {
            throw new IllegalStateException("golden file " + file + " missing; run src/test/python/make_goldens.py");
        }
        return in;
    }

    /** One numpy array: its dtype string, shape and raw little-endian data. */
    record NpyArray(String dtype, int[] shape, byte[] data) {

        /** A uint8 raster stored channel-major with delta-coded rows, back as interleaved RGB. */
        RgbImage rgb() {
            if (!dtype.equals("|u1") || shape.length != 3 || shape[0] != 3) {
                throw new IllegalStateException("not a 3xHxW uint8 raster: " + dtype);
            }
            int h = shape[1];
            int w = shape[2];
            byte[] px = new byte[w * h * 3];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < h; y++) {
                    int running = 0;
                    for (int x = 0; x < w; x++) {
                        running = (running + data[(c * h + y) * w + x]) & 0xFF;
                        px[(y * w + x) * 3 + c] = (byte) running;
                    }
                }
            }
            return new RgbImage(w, h, px);
        }

        float[] floats() {
            if (!dtype.equals("<f4")) {
                throw new IllegalStateException("not float32: " + dtype);
            }
            float[] out = new float[data.length / 4];
            ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }

        int[] ints() {
            if (!dtype.equals("<i4")) {
                throw new IllegalStateException("not int32: " + dtype);
            }
            int[] out = new int[data.length / 4];
            ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
            return out;
        }
    }

    /** The arrays of {@code <file>.npz}, by name. */
    static Map<String, NpyArray> npz(String file) {
        Map<String, NpyArray> out = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(resource(file + ".npz"))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                out.put(entry.getName().replaceAll("\\.npy$", ""), npy(zip.readAllBytes()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static NpyArray npy(byte[] b) {
        if ((b[0] & 0xFF) != 0x93 || b[1] != 'N') {
            throw new IllegalStateException("not a .npy array");
        }
        int major = b[6];
        int headerLen;
        int offset;
        if (major == 1) {
            headerLen = (b[8] & 0xFF) | (b[9] & 0xFF) << 8;
            offset = 10;
        } else {
            headerLen = ByteBuffer.wrap(b, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            offset = 12;
        }
        String header = new String(b, offset, headerLen, StandardCharsets.US_ASCII);
        if (header.contains("'fortran_order': True")) {
            throw new IllegalStateException("Fortran-order arrays are not expected");
        }
        Matcher d = DESCR.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !s.find()) {
            throw new IllegalStateException("bad .npy header: " + header);
        }
        String[] dims = s.group(1).split(",");
        List<Integer> shape = new ArrayList<>();
        for (String dim : dims) {
            if (!dim.isBlank()) {
                shape.add(Integer.parseInt(dim.trim()));
            }
        }
        byte[] data = Arrays.copyOfRange(b, offset + headerLen, b.length);
        return new NpyArray(d.group(1), shape.stream().mapToInt(Integer::intValue).toArray(), data);
    }
}
