//! The media inspector every attached file goes through (`MediaFile::inspect`): type sniffed from
//! the content, image dimensions from the header, video duration from the MP4 `moov` header.
//! This target's corpus: images (PNG, JPEG, GIF, WebP, …).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| outpost_fuzz::inspect_media(data));
