import { language, t } from '../common/i18n';

/** The locale of the console's language, for dates and times. */
export const locale = () => (language() === 'zh' ? 'zh-CN' : 'en');

/** A time in the console's language, or "never". */
export const when = (time: number | null | undefined): string =>
  time ? new Date(time).toLocaleString(locale()) : t('never');
