package org.jgrad.spi;

/**
 * The geometry of a 2-d convolution besides its operands' shapes, as the fused kernels of {@link Backend} receive it:
 * x {@code [N, C, H, W]} padded with zeros by {@code padH}/{@code padW} on each side, weight
 * {@code [O, C/groups, KH, KW]} read at {@code dilation} steps, windows {@code stride} apart, channels in
 * {@code groups} independent blocks. The output size follows from these:
 * {@code OH = (H + 2·padH − dilationH·(KH − 1) − 1) / strideH + 1}, and likewise OW.
 */
public record Conv2dGeometry(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {

    /** The output height for an input of height {@code h} and a kernel of height {@code kh}. */
    public int outHeight(int h, int kh) {
        return (h + 2 * padH - dilationH * (kh - 1) - 1) / strideH + 1;
    }

    /** The output width for an input of width {@code w} and a kernel of width {@code kw}. */
    public int outWidth(int w, int kw) {
        return (w + 2 * padW - dilationW * (kw - 1) - 1) / strideW + 1;
    }
}
