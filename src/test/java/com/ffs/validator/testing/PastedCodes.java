package com.ffs.validator.testing;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.Map;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.aztec.AztecWriter;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.datamatrix.DataMatrixWriter;
import com.google.zxing.oned.EAN13Writer;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;

/** Codes as a seller pastes them into a photo: rendered with a white quiet zone, scaled, rotated, placed. */
public final class PastedCodes {

    private PastedCodes() {
    }

    /** A QR code of {@code text}, one bit per module, error correction M, no margin. */
    public static BitMatrix qr(String text) {
        try {
            return new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, Map.of(EncodeHintType.MARGIN, 0,
                    EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M));
        } catch (WriterException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A Data Matrix code of {@code text}, one bit per module. */
    public static BitMatrix dataMatrix(String text) {
        return new DataMatrixWriter().encode(text, BarcodeFormat.DATA_MATRIX, 0, 0);
    }

    /** An Aztec code of {@code text}, one bit per module. */
    public static BitMatrix aztec(String text) {
        return new AztecWriter().encode(text, BarcodeFormat.AZTEC, 0, 0);
    }

    /** An EAN-13 barcode of {@code digits} (12 or 13), one bit per module, {@code height} modules tall. */
    public static BitMatrix ean13(String digits, int height) {
        return new EAN13Writer().encode(digits, BarcodeFormat.EAN_13, 0, height, Map.of(EncodeHintType.MARGIN, 0));
    }

    /**
     * {@code photo} with {@code code} pasted: drawn on white with {@code quiet} modules of quiet zone, the label
     * {@code share} of the photo's width wide, rotated by {@code degrees}, centred at ({@code cx}, {@code cy}) in
     * fractions of the photo's size.
     */
    public static BufferedImage paste(BufferedImage photo, BitMatrix code, int quiet, double share, double degrees,
            double cx, double cy) {
        int modulesX = code.getWidth() + 2 * quiet;
        int modulesY = code.getHeight() + 2 * quiet;
        double scale = share * photo.getWidth() / modulesX;
        BufferedImage label = new BufferedImage(modulesX, modulesY, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < modulesY; y++) {
            for (int x = 0; x < modulesX; x++) {
                int cxm = x - quiet;
                int cym = y - quiet;
                boolean black = cxm >= 0 && cym >= 0 && cxm < code.getWidth() && cym < code.getHeight()
                        && code.get(cxm, cym);
                label.setRGB(x, y, black ? 0x101010 : 0xFFFFFF);
            }
        }
        BufferedImage out = new BufferedImage(photo.getWidth(), photo.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(photo, 0, 0, null);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        AffineTransform t = new AffineTransform();
        t.translate(cx * photo.getWidth(), cy * photo.getHeight());
        t.rotate(Math.toRadians(degrees));
        t.scale(scale, scale);
        t.translate(-modulesX / 2.0, -modulesY / 2.0);
        // Modules stay crisp before the rotation blends their edges, as a screenshot pasted into an editor.
        BufferedImage sharp = new BufferedImage((int) Math.ceil(modulesX * Math.max(1, scale)),
                (int) Math.ceil(modulesY * Math.max(1, scale)), BufferedImage.TYPE_INT_RGB);
        Graphics2D s = sharp.createGraphics();
        s.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        s.drawImage(label, 0, 0, sharp.getWidth(), sharp.getHeight(), null);
        s.dispose();
        AffineTransform place = new AffineTransform(t);
        place.scale((double) modulesX / sharp.getWidth(), (double) modulesY / sharp.getHeight());
        g.drawImage(sharp, place, null);
        g.dispose();
        return out;
    }
}
