import type { LucideIcon } from '@lucide/svelte';
import CalendarDays from '@lucide/svelte/icons/calendar-days';
import KanbanSquare from '@lucide/svelte/icons/square-kanban';
import PenLine from '@lucide/svelte/icons/pen-line';
import Inbox from '@lucide/svelte/icons/inbox';
import ChartLine from '@lucide/svelte/icons/chart-line';
import Radio from '@lucide/svelte/icons/radio-tower';
import Settings from '@lucide/svelte/icons/settings';
import type { Page } from '$lib/ipc';

export interface PageInfo {
  id: Page;
  label: string;
  /** Ctrl/Cmd + this digit opens the page. */
  digit: string;
  /** `g` then this letter opens the page. */
  letter: string;
  icon: LucideIcon;
}

export const PAGE_INFO: readonly PageInfo[] = [
  { id: 'calendar', label: 'Calendar', digit: '1', letter: 'c', icon: CalendarDays },
  { id: 'board', label: 'Board', digit: '2', letter: 'b', icon: KanbanSquare },
  { id: 'compose', label: 'Compose', digit: '3', letter: 'n', icon: PenLine },
  { id: 'inbox', label: 'Inbox', digit: '4', letter: 'i', icon: Inbox },
  { id: 'analytics', label: 'Analytics', digit: '5', letter: 'a', icon: ChartLine },
  { id: 'channels', label: 'Channels', digit: '6', letter: 'h', icon: Radio },
  { id: 'settings', label: 'Settings', digit: '7', letter: 's', icon: Settings },
];

export function pageInfo(id: Page): PageInfo {
  const info = PAGE_INFO.find((p) => p.id === id);
  if (!info) throw new Error(`unknown page ${id}`);
  return info;
}
