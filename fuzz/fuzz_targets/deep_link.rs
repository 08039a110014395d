//! Deep links (`app.outpost.desktop://…`): what the OS hands the app from any web page or program.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = outpost_app::deeplink::parse(raw);
    let routed = outpost_app::deeplink::route(raw);
    // `route` is `parse` plus a decision: both agree on what is a valid link.
    assert_eq!(
        parsed.is_ok(),
        routed.is_ok()
            || matches!(
                routed,
                Err(outpost_app::deeplink::DeepLinkError::NoSignInInProgress)
            )
    );
    if let Err(e) = parsed {
        // Every refusal renders (the window shows it) and never echoes more than a short excerpt.
        assert!(e.to_string().len() < 512);
    }
});
