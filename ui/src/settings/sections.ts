import type { LucideIcon } from '@lucide/svelte';
import CalendarClock from '@lucide/svelte/icons/calendar-clock';
import BadgeCheck from '@lucide/svelte/icons/badge-check';
import CloudUpload from '@lucide/svelte/icons/cloud-upload';
import FileSpreadsheet from '@lucide/svelte/icons/file-spreadsheet';
import Info from '@lucide/svelte/icons/info';
import KeyRound from '@lucide/svelte/icons/key-round';
import Palette from '@lucide/svelte/icons/palette';
import Rss from '@lucide/svelte/icons/rss';
import ShieldCheck from '@lucide/svelte/icons/shield-check';
import Sparkles from '@lucide/svelte/icons/sparkles';
import type { SettingsSection } from '$app/routes';

export interface SectionInfo {
  id: SettingsSection;
  label: string;
  description: string;
  icon: LucideIcon;
}

/** Settings sections, in sub-nav order. */
export const SECTIONS: readonly SectionInfo[] = [
  { id: 'about', label: 'About', description: 'Version, storage and health of this installation.', icon: Info },
  {
    id: 'scheduling',
    label: 'Scheduling',
    description: 'Your time zone, posts missed while Outpost was off, and how Outpost keeps publishing in the background.',
    icon: CalendarClock,
  },
  {
    id: 'privacy',
    label: 'Privacy & data',
    description: 'What leaves this computer, and your export, import and deletion controls.',
    icon: ShieldCheck,
  },
  {
    id: 'developer-apps',
    label: 'Developer apps',
    description: 'Your own app credentials for the platforms that require one, with a setup guide for each.',
    icon: KeyRound,
  },
  {
    id: 'media-host',
    label: 'Media host',
    description: 'Your own S3-compatible bucket, for platforms that fetch photos and videos from a link.',
    icon: CloudUpload,
  },
  {
    id: 'posting-times',
    label: 'Posting times',
    description: 'Each channel’s weekly rhythm: “Add to queue” schedules a post at the next free time.',
    icon: CalendarClock,
  },
  {
    id: 'feeds',
    label: 'Feeds',
    description: 'Your blog, newsletter or podcast feed: each new item becomes a draft, a queued post or a post — exactly once.',
    icon: Rss,
  },
  {
    id: 'csv',
    label: 'CSV import & export',
    description: 'Bring many posts in from a spreadsheet, with a preview first, or take them all out.',
    icon: FileSpreadsheet,
  },
  {
    id: 'approvals',
    label: 'Client approvals',
    description: 'Sealed previews sent to clients, their decisions, and which channels need approval.',
    icon: BadgeCheck,
  },
  {
    id: 'ai',
    label: 'AI assistant',
    description: 'Your OpenAI-compatible provider (or a model on this computer), your brand persona, and every AI call made.',
    icon: Sparkles,
  },
  { id: 'appearance', label: 'Appearance', description: 'How Outpost looks on this device.', icon: Palette },
];
