import { t } from '../shared/i18n';

/** A time in the reader's locale, or "never". */
export const when = (time: number | null | undefined): string => (time ? new Date(time).toLocaleString() : t('never'));
