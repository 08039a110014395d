import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import PrivacySection from './PrivacySection.svelte';

describe('PrivacySection in preview mode', () => {
  it('renders the layout with a preview notice and no data', () => {
    render(PrivacySection);
    expect(screen.getByTestId('privacy-preview')).toHaveTextContent('Preview mode');
    expect(screen.getByTestId('privacy-telemetry')).toHaveTextContent('Off');
    expect(screen.getByTestId('export-button')).toBeDisabled();
    expect(screen.getByTestId('import-button')).toBeDisabled();
    expect(screen.getByTestId('delete-all-button')).toBeDisabled();
    expect(screen.getByTestId('activity-table')).toBeInTheDocument();
    expect(screen.getByTestId('activity-preview')).toBeInTheDocument();
    expect(screen.queryAllByTestId('activity-row')).toHaveLength(0);
    expect(screen.queryByTestId('activity-empty')).toBeNull();
    expect(screen.queryByTestId('consents-empty')).toBeNull();
  });
});
