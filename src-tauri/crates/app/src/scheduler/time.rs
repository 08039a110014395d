//! Times as a creator means them: an instant plus the IANA zone and wall-clock intent it came from.
//! A local time in a DST gap does not exist and one in a DST overlap happens twice — both are refused
//! at scheduling time with a message that says what happened and what to type instead. Weekly slot
//! times ("9:00 every Monday in Europe/Berlin") are resolved per occurrence, so they stay at 9:00
//! across DST changes.

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone,
    Weekday,
};
use chrono_tz::Tz;

use crate::{Error, Result};

/// The wall-clock format kept next to each scheduled instant.
pub const LOCAL_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

/// A parsed IANA zone; an unknown name is a clear error.
pub fn zone(name: &str) -> Result<Tz> {
    name.parse::<Tz>().map_err(|_| {
        Error::InvalidInput(format!(
            "\"{name}\" is not a time zone Outpost knows (use an IANA name such as Europe/Berlin)"
        ))
    })
}

/// The computer's IANA time zone, `UTC` when it cannot be determined.
pub fn system_zone() -> String {
    iana_time_zone::get_timezone()
        .ok()
        .filter(|z| z.parse::<Tz>().is_ok())
        .unwrap_or_else(|| "UTC".to_string())
}

/// The instant (unix ms) of the wall-clock time `local` in `tz`.
/// Refuses a time that does not exist (DST gap) or exists twice (DST overlap).
pub fn resolve_local(tz: Tz, local: NaiveDateTime) -> Result<i64> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Ok(t.timestamp_millis()),
        LocalResult::None => {
            // The first valid minute after the gap.
            let mut after = local;
            for _ in 0..(24 * 60) {
                after += Duration::minutes(1);
                if let LocalResult::Single(t) = tz.from_local_datetime(&after) {
                    let after_local = t.naive_local();
                    return Err(Error::InvalidInput(format!(
                        "{} does not exist in {tz}: the clocks skip that hour for daylight saving time. \
                         Pick {} or another time outside the gap",
                        human(local),
                        after_local.format("%H:%M")
                    )));
                }
            }
            Err(Error::InvalidInput(format!(
                "{} does not exist in {tz}",
                human(local)
            )))
        }
        LocalResult::Ambiguous(a, b) => Err(Error::InvalidInput(format!(
            "{} happens twice in {tz} (the clocks go back that night): first at UTC{}, then at UTC{}. \
             Give the time with its offset, e.g. {} or {}",
            human(local),
            a.format("%:z"),
            b.format("%:z"),
            a.format("%Y-%m-%dT%H:%M:%S%:z"),
            b.format("%Y-%m-%dT%H:%M:%S%:z"),
        ))),
    }
}

fn human(local: NaiveDateTime) -> String {
    local.format("%Y-%m-%d %H:%M").to_string()
}

/// A time the user typed: RFC 3339 (with an offset or `Z`), or a local date-time
/// (`YYYY-MM-DD HH:MM[:SS]` or with `T`) interpreted in `tz`.
/// Returns the instant (unix ms) and the wall-clock intent in `tz`.
pub fn parse_when(input: &str, tz: Tz) -> Result<(i64, String)> {
    let s = input.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        let ms = t.timestamp_millis();
        return Ok((ms, local_of(ms, tz)));
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(local) = NaiveDateTime::parse_from_str(s, f) {
            let ms = resolve_local(tz, local)?;
            return Ok((ms, local.format(LOCAL_FORMAT).to_string()));
        }
    }
    Err(Error::InvalidInput(format!(
        "\"{}\" is not a time Outpost understands: use RFC 3339 (2026-05-04T09:00:00+02:00) or a local \
         date and time (2026-05-04 09:00) in {tz}",
        s.chars().take(40).collect::<String>()
    )))
}

/// The wall-clock time of instant `ms` in `tz`, in [`LOCAL_FORMAT`].
pub fn local_of(ms: i64, tz: Tz) -> String {
    tz.timestamp_millis_opt(ms)
        .single()
        .map(|t| t.naive_local().format(LOCAL_FORMAT).to_string())
        .unwrap_or_default()
}

/// A weekly posting time: a weekday and a wall-clock time in a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklyTime {
    pub weekday: Weekday,
    pub time: NaiveTime,
}

/// The first occurrence of `slot` in `tz` strictly after `after_ms`.
/// In a DST gap the occurrence moves forward by the gap (02:30 → 03:30, as calendars do); in an
/// overlap the earlier of the two instants is used, so a slot fires once.
pub fn next_weekly(tz: Tz, slot: WeeklyTime, after_ms: i64) -> i64 {
    let after = match tz.timestamp_millis_opt(after_ms) {
        LocalResult::Single(t) => t,
        _ => return after_ms,
    };
    let start: NaiveDate = after.date_naive();
    for day in 0..15 {
        let date = start + Duration::days(day);
        if date.weekday() != slot.weekday {
            continue;
        }
        let local = date.and_time(slot.time);
        let instant = match tz.from_local_datetime(&local) {
            LocalResult::Single(t) => t.timestamp_millis(),
            LocalResult::Ambiguous(a, _) => a.timestamp_millis(),
            LocalResult::None => shift_over_gap(tz, local),
        };
        if instant > after_ms {
            return instant;
        }
    }
    // Unreachable for valid zones (two weeks always contain the weekday); stay safe.
    after_ms + 7 * 86_400_000
}

/// A local time inside a gap, read with the offset in force just before the gap — which lands it
/// the gap's length later on the new clock (02:30 → 03:30).
fn shift_over_gap(tz: Tz, local: NaiveDateTime) -> i64 {
    use chrono::Offset;
    let offset = (1..=6)
        .find_map(|h| {
            tz.from_local_datetime(&(local - Duration::hours(h)))
                .earliest()
        })
        .map_or(0, |t| i64::from(t.offset().fix().local_minus_utc()));
    local.and_utc().timestamp_millis() - offset * 1000
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn utc(ms: i64) -> String {
        DateTime::from_timestamp_millis(ms)
            .unwrap()
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }

    /// (zone, a time in its spring gap, one in its autumn overlap, a normal summer time → UTC).
    const ZONES: &[(&str, &str, &str, &str, &str)] = &[
        (
            "Europe/Berlin",
            "2030-03-31 02:30",
            "2030-10-27 02:30",
            "2030-07-01 09:00",
            "2030-07-01 07:00",
        ),
        (
            "America/New_York",
            "2030-03-10 02:30",
            "2030-11-03 01:30",
            "2030-07-01 09:00",
            "2030-07-01 13:00",
        ),
        (
            "Australia/Sydney",
            "2030-10-06 02:30",
            "2030-04-07 02:30",
            "2030-01-10 09:00",
            "2030-01-09 22:00",
        ),
        (
            "America/Sao_Paulo",
            "",
            "",
            "2030-07-01 09:00",
            "2030-07-01 12:00",
        ),
        (
            "Asia/Kolkata",
            "",
            "",
            "2030-07-01 09:00",
            "2030-07-01 03:30",
        ),
        (
            "Pacific/Auckland",
            "2030-09-29 02:30",
            "2030-04-07 02:30",
            "2030-01-10 09:00",
            "2030-01-09 20:00",
        ),
        (
            "Europe/London",
            "2030-03-31 01:30",
            "2030-10-27 01:30",
            "2030-07-01 09:00",
            "2030-07-01 08:00",
        ),
    ];

    #[test]
    fn gaps_and_overlaps_are_refused_normal_times_resolve() {
        for (zone_name, gap, overlap, normal, normal_utc) in ZONES {
            let tz = zone(zone_name).unwrap();
            if !gap.is_empty() {
                let e = resolve_local(tz, local(gap)).unwrap_err().to_string();
                assert!(e.contains("does not exist"), "{zone_name}: {e}");
            }
            if !overlap.is_empty() {
                let e = resolve_local(tz, local(overlap)).unwrap_err().to_string();
                assert!(
                    e.contains("happens twice") && e.contains("UTC"),
                    "{zone_name}: {e}"
                );
            }
            assert_eq!(
                utc(resolve_local(tz, local(normal)).unwrap()),
                *normal_utc,
                "{zone_name}"
            );
        }
    }

    #[test]
    fn a_weekly_slot_keeps_its_wall_clock_time_across_dst() {
        // 09:00 every Monday in Berlin: 08:00 UTC in winter, 07:00 UTC in summer.
        let tz = zone("Europe/Berlin").unwrap();
        let slot = WeeklyTime {
            weekday: Weekday::Mon,
            time: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        };
        let start = resolve_local(tz, local("2030-03-20 12:00")).unwrap();
        let a = next_weekly(tz, slot, start);
        let b = next_weekly(tz, slot, a);
        assert_eq!(utc(a), "2030-03-25 08:00");
        assert_eq!(utc(b), "2030-04-01 07:00");
        // New York, across the November change.
        let ny = zone("America/New_York").unwrap();
        let start = resolve_local(ny, local("2030-10-29 12:00")).unwrap();
        let a = next_weekly(ny, slot, start);
        let b = next_weekly(ny, slot, a);
        assert_eq!(utc(a), "2030-11-04 14:00");
        assert_eq!(utc(b), "2030-11-11 14:00");
        // A slot inside the gap moves forward by the gap; inside the overlap it fires once.
        let gap_slot = WeeklyTime {
            weekday: Weekday::Sun,
            time: NaiveTime::from_hms_opt(2, 30, 0).unwrap(),
        };
        let start = resolve_local(tz, local("2030-03-30 12:00")).unwrap();
        assert_eq!(utc(next_weekly(tz, gap_slot, start)), "2030-03-31 01:30");
        let start = resolve_local(tz, local("2030-10-26 12:00")).unwrap();
        let first = next_weekly(tz, gap_slot, start);
        assert_eq!(utc(first), "2030-10-27 00:30");
        assert_eq!(utc(next_weekly(tz, gap_slot, first)), "2030-11-03 01:30");
    }

    #[test]
    fn typed_times_parse_with_offsets_or_in_the_zone() {
        let tz = zone("Europe/Berlin").unwrap();
        let (ms, l) = parse_when("2030-10-27T02:30:00+01:00", tz).unwrap();
        assert_eq!(utc(ms), "2030-10-27 01:30");
        assert_eq!(l, "2030-10-27T02:30:00");
        let (ms, _) = parse_when("2030-07-01 09:00", tz).unwrap();
        assert_eq!(utc(ms), "2030-07-01 07:00");
        assert!(parse_when("soon", tz).is_err());
        assert!(zone("Mars/Olympus").is_err());
    }
}
