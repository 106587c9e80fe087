//! Image work, run on the bounded image pool (it is CPU- and memory-heavy): previews of uploaded
//! images and avatars. A decompression bomb is refused from its header alone: an image whose
//! declared pixels exceed the limit is never decoded, and the decoder's allocations are capped
//! besides. EXIF orientation is applied; what is written is re-encoded pixels only, so no
//! metadata (location, camera) survives into a preview or an avatar.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

/// The longest side of a preview.
pub const THUMBNAIL_SIDE: u32 = 480;
/// Avatar sizes: the one `avatar_url` names, and the small one (`?size=128`).
pub const AVATAR_LARGE: u32 = 512;
pub const AVATAR_SMALL: u32 = 128;
const JPEG_QUALITY: u8 = 82;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImageRefusal {
    #[error("the image is {width} × {height} pixels; the limit is {limit} pixels")]
    TooManyPixels { width: u32, height: u32, limit: u64 },
    #[error("the image could not be decoded")]
    Undecodable,
}

/// An image's size as shown (after its EXIF orientation) and its preview.
pub struct Preview {
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
    /// `image/jpeg`, or `image/png` for images with transparency.
    pub mime: &'static str,
}

/// Reads the header only: the declared size, refused over `max_pixels`.
fn check_size(bytes: &[u8], max_pixels: u64) -> Result<(u32, u32), ImageRefusal> {
    let reader =
        ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|_| ImageRefusal::Undecodable)?;
    let (width, height) = reader.into_dimensions().map_err(|_| ImageRefusal::Undecodable)?;
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(ImageRefusal::TooManyPixels { width, height, limit: max_pixels });
    }
    Ok((width, height))
}

/// Decodes (the first frame of) an image within the pixel limit, upright.
fn decode(bytes: &[u8], max_pixels: u64) -> Result<DynamicImage, ImageRefusal> {
    let (width, height) = check_size(bytes, max_pixels)?;
    let mut reader =
        ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|_| ImageRefusal::Undecodable)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    // Room for the pixels at 8 bits per RGBA channel, and the decoder's own buffers: an image
    // that needs more (16 bits per channel near the pixel limit) is refused like a larger one.
    limits.max_alloc = Some(max_pixels.saturating_mul(4).saturating_add(64 << 20));
    reader.limits(limits);
    let over = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => ImageRefusal::TooManyPixels { width, height, limit: max_pixels },
        _ => ImageRefusal::Undecodable,
    };
    let mut decoder = reader.into_decoder().map_err(over)?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(over)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// Encodes pixels as JPEG, or PNG when they have an alpha channel.
fn encode(image: &DynamicImage) -> Result<(Vec<u8>, &'static str), ImageRefusal> {
    let mut out = Cursor::new(Vec::new());
    if image.color().has_alpha() {
        image.write_to(&mut out, ImageFormat::Png).map_err(|_| ImageRefusal::Undecodable)?;
        Ok((out.into_inner(), "image/png"))
    } else {
        JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
            .encode_image(&image.to_rgb8())
            .map_err(|_| ImageRefusal::Undecodable)?;
        Ok((out.into_inner(), "image/jpeg"))
    }
}

/// The preview of an uploaded image: at most [`THUMBNAIL_SIDE`] on its longer side.
pub fn thumbnail(bytes: &[u8], max_pixels: u64) -> Result<Preview, ImageRefusal> {
    let image = decode(bytes, max_pixels)?;
    let (width, height) = (image.width(), image.height());
    let small = if width > THUMBNAIL_SIDE || height > THUMBNAIL_SIDE {
        image.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE)
    } else {
        image
    };
    let (bytes, mime) = encode(&small)?;
    Ok(Preview { width, height, bytes, mime })
}

/// An avatar: the centre square, at [`AVATAR_LARGE`] and [`AVATAR_SMALL`] pixels, and the file
/// extension both are stored under.
pub fn avatar(bytes: &[u8], max_pixels: u64) -> Result<(Vec<u8>, Vec<u8>, &'static str), ImageRefusal> {
    let image = decode(bytes, max_pixels)?;
    let side = image.width().min(image.height());
    let square = image.crop_imm((image.width() - side) / 2, (image.height() - side) / 2, side, side);
    let sized = |px: u32| square.resize_exact(px, px, image::imageops::FilterType::CatmullRom);
    let (large, mime) = encode(&sized(AVATAR_LARGE))?;
    let (small, _) = encode(&sized(AVATAR_SMALL))?;
    Ok((large, small, if mime == "image/png" { "png" } else { "jpg" }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32, alpha: bool) -> Vec<u8> {
        let image = if alpha {
            DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
                width,
                height,
                image::Rgba([10, 20, 30, 128]),
            ))
        } else {
            DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, _| {
                image::Rgb([x as u8, 0, 0])
            }))
        };
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, ImageFormat::Png).unwrap_or_else(|e| panic!("{e}"));
        out.into_inner()
    }

    /// A PNG whose header declares `width` × `height` with nothing behind it (a bomb's header).
    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        bytes.extend(width.to_be_bytes());
        bytes.extend(height.to_be_bytes());
        bytes.extend([8, 6, 0, 0, 0]);
        let crc = crc32fast::hash(&bytes[12..]);
        bytes.extend(crc.to_be_bytes());
        // A few bytes of image data, then the end: decoding would need width × height × 4 bytes.
        for (kind, data) in [(&b"IDAT"[..], &b"\x78\x9c\x63\x00\x00\x00\x01\x00\x01"[..]), (b"IEND", b"")] {
            bytes.extend((data.len() as u32).to_be_bytes());
            let start = bytes.len();
            bytes.extend(kind);
            bytes.extend(data);
            let crc = crc32fast::hash(&bytes[start..]);
            bytes.extend(crc.to_be_bytes());
        }
        bytes
    }

    #[test]
    fn previews_fit_the_box_and_keep_the_shape() {
        let preview = thumbnail(&png(1200, 600, false), 40_000_000).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((preview.width, preview.height, preview.mime), (1200, 600, "image/jpeg"));
        let small = image::load_from_memory(&preview.bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((small.width(), small.height()), (480, 240));
        let clear = thumbnail(&png(40, 30, true), 40_000_000).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((clear.width, clear.height, clear.mime), (40, 30, "image/png"));
    }

    #[test]
    fn a_bomb_is_refused_from_its_header() {
        assert_eq!(
            thumbnail(&png_header(50_000, 50_000), 40_000_000).err(),
            Some(ImageRefusal::TooManyPixels { width: 50_000, height: 50_000, limit: 40_000_000 })
        );
        assert_eq!(thumbnail(&png_header(100, 100), 40_000_000).err(), Some(ImageRefusal::Undecodable));
        assert_eq!(thumbnail(b"GIF89a<html>", 40_000_000).err(), Some(ImageRefusal::Undecodable));
    }

    #[test]
    fn exif_orientation_is_applied_and_not_kept() {
        // A 300 × 100 JPEG whose EXIF says "rotate 90° clockwise to show" (orientation 6).
        let mut jpeg = Cursor::new(Vec::new());
        JpegEncoder::new_with_quality(&mut jpeg, 90)
            .encode_image(&image::RgbImage::from_pixel(300, 100, image::Rgb([200, 10, 10])))
            .unwrap_or_else(|e| panic!("{e}"));
        let jpeg = jpeg.into_inner();
        let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01".to_vec();
        exif.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]);
        let mut tagged = jpeg[..2].to_vec();
        tagged.extend([0xff, 0xe1]);
        tagged.extend(((exif.len() + 2) as u16).to_be_bytes());
        tagged.extend(&exif);
        tagged.extend(&jpeg[2..]);
        let preview = thumbnail(&tagged, 40_000_000).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((preview.width, preview.height), (100, 300));
        assert!(!preview.bytes.windows(4).any(|w| w == b"Exif"), "metadata kept in the preview");
    }

    #[test]
    fn avatars_are_centre_squares_in_two_sizes() {
        let (large, small, ext) = avatar(&png(300, 200, false), 40_000_000).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ext, "jpg");
        let large = image::load_from_memory(&large).unwrap_or_else(|e| panic!("{e}"));
        let small = image::load_from_memory(&small).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((large.width(), large.height(), small.width(), small.height()), (512, 512, 128, 128));
    }
}
