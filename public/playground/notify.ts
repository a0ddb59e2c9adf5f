import { toast } from '../common/toast';

/** The playground's toast: a little longer than the console's, with the state it is about. */
export const notify = (message: string, state = '') => toast(message, { state, durationMs: 3000 });
