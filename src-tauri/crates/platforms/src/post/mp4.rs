//! The duration of an MP4/QuickTime file from its `moov` box's `mvhd` (ISO/IEC 14496-12 §4.2 box
//! header, §8.2.2 movie header), read from headers only: the top-level boxes are walked by their
//! sizes (the media data is skipped, never read), every size is checked against its parent's end,
//! and anything that does not add up is "duration unknown", never an error or a panic. (It replaces
//! the `mp4` crate's full header reader, which the fuzz target `media_mp4` hung: a `dref` box
//! declaring 4,294,967,295 entries made it loop for minutes on a 643-byte file.)

use std::io::{Read, Seek, SeekFrom};

/// Most boxes looked at on one level (a real file has a handful at the top and in `moov`).
const MAX_BOXES: usize = 4096;

/// The movie's duration in milliseconds; `None` when the file has no readable `moov`/`mvhd`, a
/// zero time scale or an unknown duration (all ones).
pub fn duration_ms<R: Read + Seek>(r: &mut R, len: u64) -> Option<u64> {
    let (moov_start, moov_end) = find_box(r, 0, len, *b"moov")?;
    let (mvhd_start, mvhd_end) = find_box(r, moov_start, moov_end, *b"mvhd")?;
    r.seek(SeekFrom::Start(mvhd_start)).ok()?;
    let version = read_array::<1, _>(r)?[0];
    read_array::<3, _>(r)?; // flags
    let (need, timescale, duration) = if version == 1 {
        read_array::<16, _>(r)?; // creation and modification times
        let timescale = u32::from_be_bytes(read_array(r)?);
        let duration = u64::from_be_bytes(read_array(r)?);
        (32, timescale, (duration != u64::MAX).then_some(duration))
    } else {
        read_array::<8, _>(r)?;
        let timescale = u32::from_be_bytes(read_array(r)?);
        let duration = u32::from_be_bytes(read_array(r)?);
        (
            20,
            timescale,
            (duration != u32::MAX).then_some(u64::from(duration)),
        )
    };
    if mvhd_end - mvhd_start < need || timescale == 0 {
        return None;
    }
    let ms = u128::from(duration?) * 1000 / u128::from(timescale);
    u64::try_from(ms).ok()
}

/// The payload (start, end) of the first box of type `kind` among the boxes in `[start, end)`.
fn find_box<R: Read + Seek>(r: &mut R, start: u64, end: u64, kind: [u8; 4]) -> Option<(u64, u64)> {
    let mut pos = start;
    for _ in 0..MAX_BOXES {
        if end.checked_sub(pos)? < 8 {
            return None;
        }
        r.seek(SeekFrom::Start(pos)).ok()?;
        let size32 = u32::from_be_bytes(read_array(r)?);
        let typ: [u8; 4] = read_array(r)?;
        let (header, size) = match size32 {
            // A 64-bit size follows the type.
            1 => (16, u64::from_be_bytes(read_array(r)?)),
            // The box extends to the end of its parent.
            0 => (8, end - pos),
            n => (8, u64::from(n)),
        };
        if size < header || size > end - pos {
            return None;
        }
        if typ == kind {
            return Some((pos + header, pos + size));
        }
        pos += size;
    }
    None
}

fn read_array<const N: usize, R: Read>(r: &mut R) -> Option<[u8; N]> {
    let mut b = [0u8; N];
    r.read_exact(&mut b).ok()?;
    Some(b)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn bx(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut v = u32::try_from(payload.len() + 8)
            .unwrap()
            .to_be_bytes()
            .to_vec();
        v.extend_from_slice(kind);
        v.extend_from_slice(payload);
        v
    }

    fn mvhd_v0(timescale: u32, duration: u32) -> Vec<u8> {
        let mut p = vec![0u8; 12];
        p.extend_from_slice(&timescale.to_be_bytes());
        p.extend_from_slice(&duration.to_be_bytes());
        p.extend_from_slice(&[0u8; 80]);
        bx(b"mvhd", &p)
    }

    fn file(parts: &[Vec<u8>]) -> Vec<u8> {
        parts.concat()
    }

    fn duration(bytes: &[u8]) -> Option<u64> {
        duration_ms(&mut Cursor::new(bytes), bytes.len() as u64)
    }

    const FTYP: &[u8] = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom";

    #[test]
    fn reads_the_movie_header_before_or_after_the_media() {
        let moov = bx(b"moov", &mvhd_v0(1000, 2500));
        let mdat = bx(b"mdat", &[0u8; 64]);
        assert_eq!(
            duration(&file(&[FTYP.to_vec(), moov.clone(), mdat.clone()])),
            Some(2500)
        );
        assert_eq!(duration(&file(&[FTYP.to_vec(), mdat, moov])), Some(2500));
    }

    #[test]
    fn reads_version_1_and_64_bit_sizes() {
        let mut p = vec![1u8, 0, 0, 0];
        p.extend_from_slice(&[0u8; 16]);
        p.extend_from_slice(&90_000u32.to_be_bytes());
        p.extend_from_slice(&(90_000u64 * 61).to_be_bytes());
        p.extend_from_slice(&[0u8; 80]);
        let moov = bx(b"moov", &bx(b"mvhd", &p));
        // mdat with a 64-bit size (size field 1).
        let mut mdat = 1u32.to_be_bytes().to_vec();
        mdat.extend_from_slice(b"mdat");
        mdat.extend_from_slice(&(16u64 + 8).to_be_bytes());
        mdat.extend_from_slice(&[0u8; 8]);
        assert_eq!(duration(&file(&[FTYP.to_vec(), mdat, moov])), Some(61_000));
    }

    /// The fuzz target `media_mp4`'s finding: a 643-byte QuickTime file whose `dref` declares
    /// 4,294,967,295 entries hung the `mp4` crate's reader; it is read at once now.
    #[test]
    fn a_huge_entry_count_inside_moov_is_not_walked() {
        let mut dref = 0u32.to_be_bytes().to_vec();
        dref.extend_from_slice(&u32::MAX.to_be_bytes());
        let trak = bx(
            b"trak",
            &bx(b"mdia", &bx(b"minf", &bx(b"dinf", &bx(b"dref", &dref)))),
        );
        let moov = bx(b"moov", &[mvhd_v0(1000, 2500), trak].concat());
        let qt = b"\0\0\0\x14ftypqt  \0\0\x02\0qt  ".to_vec();
        assert_eq!(duration(&file(&[qt, moov])), Some(2500));
    }

    /// Broken headers are "duration unknown", never a panic or a long walk.
    #[test]
    fn broken_headers_are_unknown_not_a_panic() {
        // A box claiming more than the file holds; a size below its header; a zero time scale;
        // an unknown (all ones) duration; a truncated mvhd; a 64-bit size of u64::MAX.
        let big = {
            let mut v = FTYP.to_vec();
            v.extend_from_slice(&u32::MAX.to_be_bytes());
            v.extend_from_slice(b"moov");
            v
        };
        let tiny = {
            let mut v = FTYP.to_vec();
            v.extend_from_slice(&4u32.to_be_bytes());
            v.extend_from_slice(b"free");
            v.extend_from_slice(&bx(b"moov", &mvhd_v0(1000, 1)));
            v
        };
        let huge64 = {
            let mut v = FTYP.to_vec();
            v.extend_from_slice(&1u32.to_be_bytes());
            v.extend_from_slice(b"moov");
            v.extend_from_slice(&u64::MAX.to_be_bytes());
            v
        };
        for bytes in [
            big,
            tiny,
            huge64,
            file(&[FTYP.to_vec(), bx(b"moov", &mvhd_v0(0, 1000))]),
            file(&[FTYP.to_vec(), bx(b"moov", &mvhd_v0(1000, u32::MAX))]),
            file(&[FTYP.to_vec(), bx(b"moov", &bx(b"mvhd", &[0u8; 10]))]),
            Vec::new(),
            b"\0\0\0".to_vec(),
        ] {
            assert_eq!(duration(&bytes), None, "{bytes:?}");
        }
    }
}
