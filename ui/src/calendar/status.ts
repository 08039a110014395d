/** How each post status is named and coloured on the calendar. */
export const STATUS_INFO: Record<string, { label: string; tone: 'accent' | 'neutral' | 'warning' | 'success' | 'danger' }> = {
  draft: { label: 'Draft', tone: 'neutral' },
  scheduled: { label: 'Scheduled', tone: 'accent' },
  publishing: { label: 'Publishing', tone: 'warning' },
  published: { label: 'Published', tone: 'success' },
  partially_published: { label: 'Partly published', tone: 'danger' },
  failed: { label: 'Failed', tone: 'danger' },
};

export function statusInfo(status: string) {
  return STATUS_INFO[status] ?? { label: status, tone: 'neutral' as const };
}

/** Only scheduled posts (and held/failed ones) can be dragged to another day. */
export function movable(status: string): boolean {
  return status === 'scheduled' || status === 'failed';
}
