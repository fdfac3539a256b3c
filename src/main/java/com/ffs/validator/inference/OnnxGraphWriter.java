package com.ffs.validator.inference;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes small ONNX models (an {@code onnx.ModelProto} in protobuf wire format) without any ONNX library: enough of
 * the schema for graphs of a few standard operators with float and int64 initializers.
 */
final class OnnxGraphWriter {

    static final int FLOAT = 1;
    static final int INT64 = 7;
    private static final int IR_VERSION = 8;
    private static final int OPSET = 17;

    private final String name;
    private final List<byte[]> nodes = new ArrayList<>();
    private final List<byte[]> initializers = new ArrayList<>();
    private final List<byte[]> inputs = new ArrayList<>();
    private final List<byte[]> outputs = new ArrayList<>();
    private int nodeCount;

    OnnxGraphWriter(String name) {
        this.name = name;
    }

    /** A graph input; a {@code null} entry in {@code dims} is the symbolic batch dimension. */
    OnnxGraphWriter input(String tensor, int elemType, Long... dims) {
        inputs.add(valueInfo(tensor, elemType, dims));
        return this;
    }

    OnnxGraphWriter output(String tensor, int elemType, Long... dims) {
        outputs.add(valueInfo(tensor, elemType, dims));
        return this;
    }

    OnnxGraphWriter floats(String tensor, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        initializers.add(tensor(tensor, FLOAT, raw.array(), dims));
        return this;
    }

    OnnxGraphWriter longs(String tensor, long[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        initializers.add(tensor(tensor, INT64, raw.array(), dims));
        return this;
    }

    /** A node; {@code attributes} are encoded AttributeProtos from {@link #intsAttr} and {@link #intAttr}. */
    OnnxGraphWriter node(String opType, List<String> in, List<String> out, byte[]... attributes) {
        Proto n = new Proto();
        in.forEach(i -> n.string(1, i));
        out.forEach(o -> n.string(2, o));
        n.string(3, opType.toLowerCase() + "_" + nodeCount++);
        n.string(4, opType);
        for (byte[] a : attributes) {
            n.message(5, a);
        }
        nodes.add(n.bytes());
        return this;
    }

    static byte[] intsAttr(String name, long... values) {
        Proto a = new Proto().string(1, name);
        for (long v : values) {
            a.varint(8, v);
        }
        return a.varint(20, 7).bytes();
    }

    static byte[] intAttr(String name, long value) {
        return new Proto().string(1, name).varint(3, value).varint(20, 2).bytes();
    }

    byte[] toBytes() {
        Proto graph = new Proto();
        nodes.forEach(n -> graph.message(1, n));
        graph.string(2, name);
        initializers.forEach(t -> graph.message(5, t));
        inputs.forEach(i -> graph.message(11, i));
        outputs.forEach(o -> graph.message(12, o));
        Proto opset = new Proto().string(1, "").varint(2, OPSET);
        return new Proto()
                .varint(1, IR_VERSION)
                .string(2, "ffs-validator-demo")
                .message(7, graph.bytes())
                .message(8, opset.bytes())
                .bytes();
    }

    private static byte[] tensor(String name, int type, byte[] raw, long... dims) {
        Proto t = new Proto();
        for (long d : dims) {
            t.varint(1, d);
        }
        return t.varint(2, type).string(8, name).bytesField(9, raw).bytes();
    }

    private static byte[] valueInfo(String name, int elemType, Long... dims) {
        Proto shape = new Proto();
        for (Long d : dims) {
            shape.message(1, d == null ? new Proto().string(2, "batch").bytes() : new Proto().varint(1, d).bytes());
        }
        Proto tensorType = new Proto().varint(1, elemType).message(2, shape.bytes());
        Proto type = new Proto().message(1, tensorType.bytes());
        return new Proto().string(1, name).message(2, type.bytes()).bytes();
    }

    /** Protobuf wire-format encoding of one message. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            tag(field, 0);
            raw(value);
            return this;
        }

        Proto string(int field, String value) {
            return bytesField(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, byte[] encoded) {
            return bytesField(field, encoded);
        }

        Proto bytesField(int field, byte[] value) {
            tag(field, 2);
            raw(value.length);
            out.writeBytes(value);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void tag(int field, int wireType) {
            raw(((long) field << 3) | wireType);
        }

        private void raw(long value) {
            long v = value;
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }
    }
}
