/** Settings → Media host helpers: provider presets and form validation. Pure, no DOM. */
import type { MediaHostConfig, MediaHostSettings, Provider, TestStep } from '$lib/ipc';

export interface Preset {
  provider: Provider;
  label: string;
  /** The endpoint to fill in (empty: AWS derives it from the region). */
  endpoint: (region: string) => string;
  endpointPlaceholder: string;
  region: string;
  pathStyle: boolean;
  /** One line on where to find the values. */
  help: string;
}

export const PRESETS: readonly Preset[] = [
  {
    provider: 'aws',
    label: 'Amazon S3',
    endpoint: () => '',
    endpointPlaceholder: 'Leave empty for AWS',
    region: 'us-east-1',
    pathStyle: false,
    help: 'Create a bucket and an IAM user with an access key allowed s3:PutObject, s3:GetObject, s3:DeleteObject and s3:ListBucket on it.',
  },
  {
    provider: 'cloudflare_r2',
    label: 'Cloudflare R2',
    endpoint: () => '',
    endpointPlaceholder: 'https://<account id>.r2.cloudflarestorage.com',
    region: 'auto',
    pathStyle: true,
    help: 'R2 → Manage API tokens → create an "Object Read & Write" token for the bucket; the endpoint is shown with it.',
  },
  {
    provider: 'backblaze_b2',
    label: 'Backblaze B2',
    endpoint: (region) => `https://s3.${region}.backblazeb2.com`,
    endpointPlaceholder: 'https://s3.<region>.backblazeb2.com',
    region: 'us-west-004',
    pathStyle: false,
    help: 'Use the bucket’s S3 endpoint (Buckets page) and an application key limited to the bucket (keyID is the access key id).',
  },
  {
    provider: 'custom',
    label: 'MinIO / other',
    endpoint: () => '',
    endpointPlaceholder: 'https://minio.example.com',
    region: 'us-east-1',
    pathStyle: true,
    help: 'Any S3-compatible server reachable by the platforms (a server on your own network is not: they fetch from the internet).',
  },
];

export function preset(provider: Provider): Preset {
  return PRESETS.find((p) => p.provider === provider) ?? PRESETS[0]!;
}

export interface MediaHostForm {
  provider: Provider;
  endpoint: string;
  region: string;
  bucket: string;
  pathStyle: boolean;
  accessKeyId: string;
  secret: string;
  publicBaseUrl: string;
}

export type MediaHostErrors = Partial<Record<keyof MediaHostForm, string>>;

/** The form for the saved settings (or the AWS preset when nothing is saved). */
export function formFor(settings: MediaHostSettings | null): MediaHostForm {
  const c = settings?.config;
  if (!c) {
    const p = PRESETS[0]!;
    return {
      provider: p.provider,
      endpoint: p.endpoint(p.region),
      region: p.region,
      bucket: '',
      pathStyle: p.pathStyle,
      accessKeyId: '',
      secret: '',
      publicBaseUrl: '',
    };
  }
  return {
    provider: c.provider ?? 'aws',
    endpoint: c.endpoint ?? '',
    region: c.region,
    bucket: c.bucket,
    pathStyle: c.path_style ?? false,
    accessKeyId: c.access_key_id,
    secret: '',
    publicBaseUrl: c.public_base_url ?? '',
  };
}

/** Applies a provider preset: region, addressing style and endpoint (kept when the user typed one). */
export function applyPreset(form: MediaHostForm, provider: Provider): MediaHostForm {
  const p = preset(provider);
  return { ...form, provider, region: p.region, pathStyle: p.pathStyle, endpoint: p.endpoint(p.region) };
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '' && !u.search && !u.hash && !u.username;
  } catch {
    return false;
  }
}

const BUCKET = /^[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]$/;

/** Validates the form (the core checks again); surrounding spaces are dropped. */
export function checkMediaHost(
  form: MediaHostForm,
  hasSecret: boolean,
): { values: { config: MediaHostConfig; secret: string | null } | null; errors: MediaHostErrors } {
  const errors: MediaHostErrors = {};
  const endpoint = form.endpoint.trim().replace(/\/+$/, '');
  const region = form.region.trim();
  const bucket = form.bucket.trim();
  const accessKeyId = form.accessKeyId.trim();
  const secret = form.secret.trim();
  const publicBaseUrl = form.publicBaseUrl.trim().replace(/\/+$/, '');

  if (endpoint === '') {
    if (form.provider !== 'aws') errors.endpoint = 'Enter the S3 endpoint of your provider.';
  } else if (!isHttpUrl(endpoint) || endpoint.includes('<')) {
    errors.endpoint = 'Enter a URL starting with https:// (no query, no user name).';
  }
  if (region === '') errors.region = 'Enter the region (e.g. us-east-1, auto for R2).';
  else if (!/^[A-Za-z0-9_-]+$/.test(region)) errors.region = 'Letters, digits and dashes only.';
  if (bucket === '') errors.bucket = 'Enter the bucket name.';
  else if (!BUCKET.test(bucket)) errors.bucket = '3 to 63 letters, digits, dots or dashes.';
  if (accessKeyId === '') errors.accessKeyId = 'Enter the access key id.';
  else if (/\s/.test(accessKeyId)) errors.accessKeyId = 'No spaces.';
  if (secret === '' && !hasSecret) errors.secret = 'Enter the secret access key.';
  else if (/\s/.test(secret)) errors.secret = 'No spaces.';
  if (publicBaseUrl !== '' && !isHttpUrl(publicBaseUrl)) errors.publicBaseUrl = 'Enter a URL starting with https://, or leave empty.';

  if (Object.keys(errors).length > 0) return { values: null, errors };
  return {
    values: {
      config: {
        provider: form.provider,
        endpoint,
        region,
        bucket,
        path_style: form.pathStyle,
        access_key_id: accessKeyId,
        public_base_url: publicBaseUrl === '' ? null : publicBaseUrl,
      },
      secret: secret === '' ? null : secret,
    },
    errors,
  };
}

/** True when the form differs from what is saved (the test connection uses the saved settings). */
export function isDirty(form: MediaHostForm, settings: MediaHostSettings | null): boolean {
  const saved = formFor(settings);
  return (
    form.secret.trim() !== '' ||
    (Object.keys(saved) as (keyof MediaHostForm)[]).some((k) => k !== 'secret' && String(form[k]).trim() !== String(saved[k]).trim())
  );
}

export const STEP_LABELS: Record<TestStep, string> = {
  upload: 'Upload',
  fetch: 'Fetch through the link',
  delete: 'Delete',
  list: 'List leftovers',
};
