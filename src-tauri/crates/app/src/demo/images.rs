//! Small PNGs generated for the demo workspace (no files shipped, nothing downloaded): a diagonal
//! gradient with a "cup" — a ring with a saucer — and soft steam lines.

use std::io::BufWriter;
use std::path::Path;

use crate::{Error, Result};

/// Alt text of each generated image, in palette order.
pub(super) const ALT: [&str; 6] = [
    "A cup of filter coffee on a warm brown background",
    "A coffee cup on a cool blue background",
    "A coffee cup on a pale green background",
    "A coffee cup on a rose background",
    "A coffee cup on a slate background",
    "A coffee cup on a golden background",
];

fn mix(a: [u8; 3], b: [u8; 3], t: f32) -> [u8; 3] {
    let f = |x: u8, y: u8| {
        let v = f32::from(x) + (f32::from(y) - f32::from(x)) * t.clamp(0.0, 1.0);
        // In 0..=255 by construction.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let v = v.round() as u8;
        v
    };
    [f(a[0], b[0]), f(a[1], b[1]), f(a[2], b[2])]
}

/// Writes a `width`×`height` RGB PNG with the palette (start, end, accent); `variant` moves the cup.
pub(super) fn write_png(
    path: &Path,
    width: u32,
    height: u32,
    (start, end, accent): ([u8; 3], [u8; 3], [u8; 3]),
    variant: usize,
) -> Result<()> {
    let (w, h) = (width as f32, height as f32);
    #[allow(clippy::cast_precision_loss)]
    let shift = (variant % 3) as f32 * 0.08 - 0.08;
    let (cx, cy, r) = (w * (0.5 + shift), h * 0.56, w.min(h) * 0.2);
    let mut data = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            let (fx, fy) = (x as f32, y as f32);
            let mut px = mix(start, end, (fx / w + fy / h) / 2.0);
            let d = ((fx - cx).powi(2) + (fy - cy).powi(2)).sqrt();
            // Saucer: a flat ellipse under the cup.
            let saucer =
                ((fx - cx) / (r * 1.7)).powi(2) + ((fy - (cy + r * 0.95)) / (r * 0.32)).powi(2);
            if saucer <= 1.0 {
                px = mix(accent, start, 0.12);
            }
            if d <= r {
                // Coffee inside a rim.
                px = if d >= r * 0.84 {
                    accent
                } else {
                    mix([70, 40, 22], [120, 70, 40], d / r)
                };
            }
            // Handle: a ring to the right of the cup.
            let hd = ((fx - (cx + r * 1.05)).powi(2) + (fy - cy).powi(2)).sqrt();
            if d > r && (r * 0.28..=r * 0.42).contains(&hd) {
                px = accent;
            }
            // Steam: three soft sine lines above the cup.
            for k in 0..3 {
                #[allow(clippy::cast_precision_loss)]
                let base_x = cx + (k as f32 - 1.0) * r * 0.45;
                let sx = base_x + (fy / (h * 0.05)).sin() * r * 0.08;
                if fy < cy - r * 1.15 && fy > cy - r * 2.3 && (fx - sx).abs() < w * 0.006 {
                    px = mix(px, accent, 0.7);
                }
            }
            data.extend_from_slice(&px);
        }
    }
    let file = std::fs::File::create(path)
        .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?;
    let mut enc = png::Encoder::new(BufWriter::new(file), width, height);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    let encode = |e: png::EncodingError| {
        Error::InvalidInput(format!("the demo image could not be encoded: {e}"))
    };
    let mut writer = enc.write_header().map_err(encode)?;
    writer.write_image_data(&data).map_err(encode)?;
    writer.finish().map_err(encode)?;
    Ok(())
}
