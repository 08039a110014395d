/** A small curated emoji set for the composer's picker (no emoji library needed). */
export const EMOJI_GROUPS: readonly { name: string; emoji: readonly string[] }[] = [
  { name: 'Smileys', emoji: ['😀', '😄', '😂', '🥹', '😊', '😍', '🤩', '😎', '🤔', '😅', '😉', '🙃', '😴', '🥳', '😬', '🤯'] },
  { name: 'Gestures', emoji: ['👍', '👏', '🙌', '🙏', '💪', '👋', '🤝', '👀', '✌️', '🤞', '👉', '🫶'] },
  { name: 'Symbols', emoji: ['❤️', '🔥', '✨', '⭐', '✅', '❌', '⚡', '💡', '🎉', '🚀', '📣', '📌', '📈', '💬', '🔗', '⏰'] },
  { name: 'Things', emoji: ['📸', '🎥', '🎙️', '📝', '📚', '💻', '📱', '🎨', '🎧', '☕', '🌍', '🌱'] },
];
