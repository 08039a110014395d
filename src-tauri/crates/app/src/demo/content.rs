//! The demo workspace's words: a small coffee roaster planning its social channels.

/// (platform id, kind, display name, handle, instance URL)
pub(super) const CHANNELS: [(&str, &str, &str, &str, &str); 6] = [
    ("x", "profile", "Lumen Coffee · Demo", "lumenroasters", ""),
    (
        "bluesky",
        "profile",
        "Lumen Coffee · Demo",
        "lumencoffee.bsky.social",
        "https://bsky.social",
    ),
    (
        "mastodon",
        "profile",
        "Lumen Coffee · Demo",
        "lumen@mastodon.social",
        "https://mastodon.social",
    ),
    (
        "linkedin",
        "organization",
        "Lumen Coffee Roasters · Demo",
        "lumen-coffee-roasters",
        "",
    ),
    (
        "instagram",
        "profile",
        "Lumen Coffee · Demo",
        "lumen.coffee",
        "",
    ),
    (
        "threads",
        "profile",
        "Lumen Coffee · Demo",
        "lumen.coffee",
        "",
    ),
];

pub(super) const POSTS: [&str; 32] = [
    "New harvest just landed: Ethiopia Guji, washed. Think bergamot, peach and a honey finish. Roasting Thursday — pre-orders open now https://lumen.example/guji #coffee #specialtycoffee",
    "Brew tip: if your V60 tastes sour, grind one step finer before you touch the water temperature. Small changes, one at a time. #brewguide",
    "Saturday cupping is back! 10:00 at the roastery, six coffees, zero pressure. Bring a friend who \"only drinks lattes\". #cupping",
    "We switched our bags to home-compostable film. Same valve, same freshness, less guilt. Details on the blog https://lumen.example/bags #sustainability",
    "Behind the roast: this Colombia Huila drops at 205 °C after 10:40. Development time ratio 21%. Yes, we are nerds about this.",
    "Espresso recipe of the week — 18 g in, 40 g out, 28 s, 93 °C. Chocolate, cherry, long sweet finish. #espresso",
    "Our subscription now ships every 2, 3 or 4 weeks. Pause any time, skip any time. https://lumen.example/subscribe",
    "Meet Aïcha, our new head roaster. Ten years of roasting in Lyon, one dog, strong opinions about light roasts. Say hi this weekend!",
    "Cold brew season: 100 g coarse coffee, 1 l cold water, 16 h in the fridge. Dilute 1:1. Done. #coldbrew",
    "Why we publish every price we pay our farmers: https://lumen.example/transparency #directtrade",
    "Decaf that tastes like coffee? Our Sugarcane decaf from Colombia says yes. Caramel, red apple, no jitters.",
    "Thank you for 10,000 bags roasted this year. Every single one weighed, sealed and labelled by hand. ☕",
    "Latte art Friday: post your best pour with #lumenpour and we pick a winner for a 1 kg bag.",
    "Grinder matters more than the machine. Change our mind. (Please don't.)",
    "Kenya Kiambu AA is back for a short run: blackcurrant, grapefruit, bright as a spring morning. #kenyacoffee",
    "Roastery open day on the 14th — tours every hour, kids' hot chocolate bar, and a sample roast you take home.",
    "A French press guide for people who don't want a guide: 60 g/l, 4 minutes, plunge slowly, pour it all out. That's it.",
    "New in the shop: the Lumen brew kit. Hand grinder, dripper, filters and 250 g of our house blend. https://lumen.example/kit",
    "Water is 98% of your cup. If your tap is hard, try bottled with low minerals for a week and taste the difference.",
    "We are hiring a part-time barista trainer. Love teaching? https://lumen.example/jobs",
    "Origin trip diary, day 3: cherries at 1,900 m in Huila, and the best arepa of our lives.",
    "Storage myth: the freezer is fine — in airtight portions, thawed once. The fridge is not.",
    "Holiday blend pre-orders: dark chocolate, orange peel, a whisper of clove. Ships 1 December.",
    "Aeropress inverted or upright? We asked 400 of you. Upright wins, 58 to 42. The debate continues.",
    "Quick reminder: orders before noon ship the same day, roasted no more than 3 days earlier.",
    "Podcast alert: our founder talks about paying 2.5x Fair Trade minimum on Brew Talk, episode 112.",
    "Sunday slow bar: Chemex, Gesha from Panama, and a playlist that is mostly Nina Simone.",
    "What makes a washed coffee taste \"clean\"? A thread on fermentation, water and time. 1/",
    "Our wholesale partners get free barista training twice a year. Cafés, get in touch: https://lumen.example/wholesale",
    "Tasting notes are not flavourings. When we say \"strawberry\", it is the bean talking.",
    "Filter vs espresso roast: we do one roast for both. Here's why omni roasting works for us.",
    "Rainy day, warm cup, good book. What are you brewing this morning? #coffeetime",
];

pub(super) const FIRST_COMMENTS: [&str; 4] = [
    "Shop link in bio — free shipping over €40.",
    "Questions about brewing? Ask us below, we answer every one.",
    "Tag someone who needs better coffee.",
    "Full recipe card on our site.",
];

/// (name, colour)
pub(super) const TAGS: [(&str, &str); 8] = [
    ("launch", "#6366f1"),
    ("brew-guide", "#0ea5e9"),
    ("events", "#f59e0b"),
    ("behind-the-scenes", "#8b5cf6"),
    ("promo", "#ef4444"),
    ("community", "#10b981"),
    ("sustainability", "#14b8a6"),
    ("hiring", "#ec4899"),
];

/// (name, colour, start month offset, end month offset)
pub(super) const CAMPAIGNS: [(&str, &str, i32, i32); 3] = [
    ("Autumn harvest launch", "#f59e0b", -1, 0),
    ("Holiday blend", "#ef4444", 0, 1),
    ("Open day", "#10b981", 1, 1),
];

pub(super) const BOARD_COLUMNS: [(&str, &str); 5] = [
    ("Ideas", "#8b5cf6"),
    ("Drafting", "#0ea5e9"),
    ("In review", "#f59e0b"),
    ("Scheduled", "#6366f1"),
    ("Published", "#10b981"),
];

/// (title, notes)
pub(super) const IDEAS: [(&str, &str); 10] = [
    (
        "Roast profile carousel",
        "Three slides: charge, first crack, drop. Use the roast curve screenshots from Aïcha.",
    ),
    (
        "Farmer interview series",
        "Short video Q&A with each producer we buy from. Subtitles in EN/ES.",
    ),
    (
        "Grind size cheat sheet",
        "One image, five brew methods, coin-size comparisons.",
    ),
    (
        "Customer of the month",
        "Ask subscribers to nominate their favourite local café.",
    ),
    (
        "Water chemistry explainer",
        "Why hard water flattens acidity — keep it under 300 characters for X.",
    ),
    (
        "Packaging unboxing",
        "The new compostable bag, slow-motion valve close-up.",
    ),
    (
        "Holiday gift guide",
        "Brew kit + subscription + mug bundle. Link to shop collection.",
    ),
    (
        "Cupping score myths",
        "What 86+ really means, and what it doesn't.",
    ),
    (
        "Day in the roastery",
        "Timelapse from 6:00 to 14:00. Needs GoPro mount.",
    ),
    (
        "Recycling coffee grounds",
        "Garden tips with grounds; partner with local allotment.",
    ),
];

/// (name, body)
pub(super) const TEMPLATES: [(&str, &str); 5] = [
    (
        "New coffee launch",
        "New in: {{origin}} {{process}}. Tasting notes: {{notes}}. Pre-order now {{link}} #specialtycoffee",
    ),
    (
        "Brew tip",
        "Brew tip: {{tip}} Try it with our {{coffee}} and tell us how it went. #brewguide",
    ),
    (
        "Event announcement",
        "{{event}} on {{date}} at {{place}}. {{details}} See you there!",
    ),
    (
        "Restock",
        "{{coffee}} is back in stock — limited to {{bags}} bags this round. {{link}}",
    ),
    (
        "Weekly roast schedule",
        "This week we roast: {{coffees}}. Orders before {{cutoff}} ship the same day.",
    ),
];

/// Demo slot times per channel: (weekday 1–7, HH:MM).
pub(super) const SLOTS: [(u8, &str); 8] = [
    (1, "09:00"),
    (1, "17:30"),
    (2, "12:15"),
    (3, "09:00"),
    (3, "17:30"),
    (4, "12:15"),
    (5, "09:00"),
    (6, "10:30"),
];

/// Colours of the generated images (background start, end, accent).
pub(super) const IMAGE_PALETTES: [([u8; 3], [u8; 3], [u8; 3]); 6] = [
    ([120, 72, 40], [236, 200, 160], [250, 240, 225]),
    ([30, 64, 90], [120, 180, 200], [240, 248, 250]),
    ([60, 90, 50], [190, 210, 150], [250, 250, 235]),
    ([90, 40, 70], [230, 160, 170], [255, 240, 245]),
    ([40, 40, 48], [140, 130, 160], [245, 240, 255]),
    ([150, 90, 20], [250, 210, 120], [255, 250, 230]),
];
