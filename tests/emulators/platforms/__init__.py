"""One module per platform family; `make_platform(name, emulator)` picks the class."""

PLATFORMS = ("x", "linkedin", "facebook", "instagram", "threads", "youtube", "tiktok", "pinterest", "mastodon")


def make_platform(name: str, emu):
    if name == "x":
        from .x import X as cls
    elif name == "linkedin":
        from .linkedin import LinkedIn as cls
    elif name == "facebook":
        from .meta import Facebook as cls
    elif name == "instagram":
        from .meta import Instagram as cls
    elif name == "threads":
        from .meta import Threads as cls
    elif name == "youtube":
        from .google import YouTube as cls
    elif name == "tiktok":
        from .tiktok import TikTok as cls
    elif name == "pinterest":
        from .pinterest import Pinterest as cls
    elif name == "mastodon":
        from .mastodon import Mastodon as cls
    else:
        raise ValueError(f"unknown platform {name!r}; one of {', '.join(PLATFORMS)}")
    return cls(emu)
