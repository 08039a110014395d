//! OAuth callbacks, both ways they arrive: the request head a browser sends to the loopback
//! listener (RFC 8252 §7.3), and a deep link whose query is then validated against the flow's state.
//! The first byte picks the platform (Instagram strips its `#_`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use outpost_app::deeplink::{DeepLink, parse};
use outpost_platforms::Platform;
use outpost_platforms::flow::validate_callback;
use outpost_platforms::loopback::parse_and_validate;

const STATE: &str = "st4te-0123456789";

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let platform = Platform::ALL[usize::from(pick) % Platform::ALL.len()];
    if pick & 0x80 == 0 {
        if let Ok(p) = parse_and_validate(rest, platform, "/callback", STATE) {
            assert!(!p.code.expose().is_empty());
        }
    } else if let Ok(raw) = std::str::from_utf8(rest)
        && let Ok(DeepLink::OauthCallback { query, .. }) = parse(raw)
        && let Ok(p) = validate_callback(platform, &query, STATE)
    {
        assert!(!p.code.expose().is_empty());
    }
});
