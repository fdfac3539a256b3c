package com.ffs.validator.testing;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.TexturePaint;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import com.ffs.validator.image.RgbImage;

/**
 * Synthetic product photos for the raster-check tests: a checked shirt with buttons and a hang tag on a near-white
 * studio background with a soft shadow, drawn at any size, and the degradations a seller's upload suffers (blur,
 * under-exposure, a frame, JPEG).
 */
public final class ProductPhotos {

    private ProductPhotos() {
    }

    /** A sharp studio photo of a shirt, {@code width x height}; {@code seed} varies the fabric's colours. */
    public static BufferedImage shirt(int width, int height, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(252, 252, 251), 0, height, new Color(238, 238, 236)));
        g.fillRect(0, 0, width, height);
        double u = Math.min(width, height) / 100.0;
        double cx = width / 2.0;
        double top = height * 0.18;
        // Soft shadow under the shirt.
        g.setColor(new Color(0, 0, 0, 22));
        g.fill(new Ellipse2D.Double(cx - 30 * u, height * 0.80, 60 * u, 6 * u));
        Shape body = shirtOutline(cx, top, u, height * 0.62);
        Color a = new Color(40 + random.nextInt(120), 40 + random.nextInt(80), 90 + random.nextInt(120));
        Color b = new Color(225, 220, 205);
        int stripe = Math.max(4, (int) Math.round(3 * u));
        g.setPaint(new TexturePaint(checks(stripe, a, b, random), new Rectangle2D.Double(0, 0, 4 * stripe,
                4 * stripe)));
        g.fill(body);
        g.setColor(a.darker().darker());
        g.setStroke(new BasicStroke((float) Math.max(1, 0.4 * u)));
        g.draw(body);
        // Placket and buttons.
        g.drawLine((int) cx, (int) (top + 4 * u), (int) cx, (int) (top + height * 0.6));
        g.setColor(new Color(245, 245, 240));
        for (int i = 0; i < 6; i++) {
            double y = top + 8 * u + i * height * 0.09;
            g.fill(new Ellipse2D.Double(cx - 1.2 * u, y, 2.4 * u, 2.4 * u));
        }
        // Hang tag with a brand name.
        g.setColor(new Color(250, 248, 240));
        Rectangle2D tag = new Rectangle2D.Double(cx + 12 * u, top + 2 * u, 14 * u, 8 * u);
        g.fill(tag);
        g.setColor(new Color(30, 30, 30));
        g.setStroke(new BasicStroke((float) Math.max(1, 0.2 * u)));
        g.draw(tag);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, (int) Math.max(6, 3 * u)));
        g.drawString("ACME", (float) (cx + 13.5 * u), (float) (top + 7.5 * u));
        g.dispose();
        return image;
    }

    private static Shape shirtOutline(double cx, double top, double u, double length) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(cx - 8 * u, top);
        p.lineTo(cx - 22 * u, top + 4 * u);
        p.lineTo(cx - 38 * u, top + 22 * u);
        p.lineTo(cx - 30 * u, top + 28 * u);
        p.lineTo(cx - 22 * u, top + 20 * u);
        p.lineTo(cx - 22 * u, top + length);
        p.lineTo(cx + 22 * u, top + length);
        p.lineTo(cx + 22 * u, top + 20 * u);
        p.lineTo(cx + 30 * u, top + 28 * u);
        p.lineTo(cx + 38 * u, top + 22 * u);
        p.lineTo(cx + 22 * u, top + 4 * u);
        p.lineTo(cx + 8 * u, top);
        p.quadTo(cx, top + 5 * u, cx - 8 * u, top);
        p.closePath();
        return p;
    }

    /** One repeat of a woven check: stripes of {@code a} over {@code b}, with a little yarn noise. */
    private static BufferedImage checks(int stripe, Color a, Color b, Random random) {
        int size = stripe * 4;
        BufferedImage tile = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                boolean vertical = (x / stripe) % 2 == 0;
                boolean horizontal = (y / stripe) % 2 == 0;
                Color base = vertical && horizontal ? a.darker() : vertical || horizontal ? a : b;
                int n = random.nextInt(21) - 10;
                tile.setRGB(x, y, new Color(clamp(base.getRed() + n), clamp(base.getGreen() + n),
                        clamp(base.getBlue() + n)).getRGB());
            }
        }
        return tile;
    }

    private static int clamp(int v) {
        return Math.clamp(v, 0, 255);
    }

    /** A Gaussian-like blur of standard deviation {@code sigma} px (three box blurs per axis), edges clamped. */
    public static BufferedImage blur(BufferedImage image, double sigma) {
        if (sigma <= 0) {
            return image;
        }
        // Three boxes of width w have the variance of a Gaussian of sigma when w = sqrt(4 sigma^2 + 1).
        int radius = Math.max(1, (int) Math.round((Math.sqrt(4 * sigma * sigma + 1) - 1) / 2));
        int w = image.getWidth();
        int h = image.getHeight();
        int[] px = image.getRGB(0, 0, w, h, null, 0, w);
        for (int c = 0; c < 3; c++) {
            int shift = 16 - 8 * c;
            float[] plane = new float[w * h];
            for (int i = 0; i < plane.length; i++) {
                plane[i] = (px[i] >> shift) & 0xFF;
            }
            for (int pass = 0; pass < 3; pass++) {
                plane = box(plane, w, h, radius, true);
                plane = box(plane, w, h, radius, false);
            }
            for (int i = 0; i < plane.length; i++) {
                int v = clamp(Math.round(plane[i]));
                px[i] = (px[i] & ~(0xFF << shift)) | (v << shift);
            }
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, px, 0, w);
        return out;
    }

    /** A running-sum box filter of radius {@code r} along rows or columns. */
    private static float[] box(float[] in, int w, int h, int r, boolean horizontal) {
        float[] out = new float[in.length];
        int lines = horizontal ? h : w;
        int length = horizontal ? w : h;
        int step = horizontal ? 1 : w;
        for (int line = 0; line < lines; line++) {
            int base = horizontal ? line * w : line;
            float sum = 0;
            for (int k = -r; k <= r; k++) {
                sum += in[base + Math.clamp(k, 0, length - 1) * step];
            }
            for (int i = 0; i < length; i++) {
                out[base + i * step] = sum / (2 * r + 1);
                sum += in[base + Math.min(i + r + 1, length - 1) * step] - in[base + Math.max(i - r, 0) * step];
            }
        }
        return out;
    }

    /** The image with every channel scaled by {@code gain} (under-exposure below 1). */
    public static BufferedImage exposed(BufferedImage image, double gain) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                int r = clamp((int) Math.round(((p >> 16) & 0xFF) * gain));
                int g = clamp((int) Math.round(((p >> 8) & 0xFF) * gain));
                int b = clamp((int) Math.round((p & 0xFF) * gain));
                out.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return out;
    }

    /** The image shrunk into a frame of {@code color}, {@code share} of each side wide; the size stays the same. */
    public static BufferedImage framed(BufferedImage image, double share, Color color) {
        int w = image.getWidth();
        int h = image.getHeight();
        int bx = (int) Math.round(w * share);
        int by = (int) Math.round(h * share);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, w, h);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, bx, by, w - 2 * bx, h - 2 * by, null);
        g.dispose();
        return out;
    }

    /** The image rotated by {@code degrees} about its centre onto a canvas of the same size filled with white. */
    public static BufferedImage rotated(BufferedImage image, double degrees) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, AffineTransform.getRotateInstance(Math.toRadians(degrees), image.getWidth() / 2.0,
                image.getHeight() / 2.0), null);
        g.dispose();
        return out;
    }

    /** The image as an {@link RgbImage}, without any codec in between. */
    public static RgbImage rgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < argb.length; i++) {
            px[3 * i] = (byte) (argb[i] >> 16);
            px[3 * i + 1] = (byte) (argb[i] >> 8);
            px[3 * i + 2] = (byte) argb[i];
        }
        return new RgbImage(w, h, px);
    }

    /** The image as a baseline JPEG of {@code quality} (0..1). */
    public static byte[] jpeg(BufferedImage image, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
