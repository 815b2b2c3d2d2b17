import { t } from '../lib/i18n';

interface Props {
  /** The extension's version, from its manifest. */
  readonly version: string;
  /** The signal server in Settings, if a name was chosen. */
  readonly serverUrl: string | undefined;
}

/** The version, and where this extension keeps and sends what it holds (README: Permissions, Storage at rest). */
export function AboutSection({ version, serverUrl }: Props) {
  const server = serverUrl && URL.canParse(serverUrl) ? new URL(serverUrl).host : (serverUrl ?? '—');
  return (
    <section id="about" aria-labelledby="about-title">
      <h2 id="about-title">{t('optionsAboutTitle')}</h2>
      <p data-testid="version">{t('optionsVersion', [version])}</p>
      <ul class="data-places">
        <li>{t('optionsDataLocal')}</li>
        <li>{t('optionsDataServer', [server])}</li>
        <li>{t('optionsDataPeers')}</li>
        <li>{t('optionsDataNone')}</li>
      </ul>
    </section>
  );
}
