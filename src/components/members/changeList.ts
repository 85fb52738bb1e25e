/**
 * Saving a change to one list (roles, groups, members) of a user or a group.
 */
import { IFeedback, messageOf, saveWithRetry } from '../../feedback';

/**
 * Change one list of a user or a group (`save` computes it from the newest version), offering
 * "Reload and retry" when someone changed the record meanwhile; a failure is reported.
 */
export async function changeList<R extends { etag: string }>(options: {
  what: string;
  failure: (message: string) => string;
  record: R;
  save: (current: R) => Promise<R>;
  reload: () => Promise<R>;
  feedback: IFeedback;
  onSaved: (saved: R) => void;
}): Promise<void> {
  const { feedback } = options;
  try {
    const saved = await saveWithRetry(
      options.what,
      options.record,
      options.save,
      options.reload,
      feedback
    );
    if (saved) {
      options.onSaved(saved);
    }
  } catch (reason) {
    feedback.error(options.failure(messageOf(reason)));
  }
}
