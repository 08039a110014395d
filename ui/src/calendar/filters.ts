/** The calendar's label filters: the select values ("all" or an id) as calendar query fields. */

export const ALL = 'all';

export function labelFilter(tag: string, campaign: string): { tag_ids: string[]; campaign_id: string | null } {
  return { tag_ids: tag === ALL ? [] : [tag], campaign_id: campaign === ALL ? null : campaign };
}

/** Select options for labels (tags or campaigns), "all" first, by name. */
export function labelOptions(all: string, labels: readonly { id: string; name: string }[]): { value: string; label: string }[] {
  const sorted = [...labels].sort((a, b) => a.name.localeCompare(b.name));
  return [{ value: ALL, label: all }, ...sorted.map((l) => ({ value: l.id, label: l.name }))];
}
