import { BadInputError, IssueDetail } from './errors';
import { INPUT_LIMITS } from './limits';
import { unstorableText } from './text';

// Control characters have no place in an id; the pattern is about exactly those.
// eslint-disable-next-line no-control-regex -- the class lists the control characters refused in ids
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * The domain's one validation style: checks record (path, message) issues, and `throwIfAny`
 * refuses them all at once with BAD_USER_INPUT. Values are never echoed back.
 */
export class Issues {
  readonly list: IssueDetail[] = [];

  add(path: string, message: string): void {
    this.list.push({ path, message });
  }

  /** Refuses with every recorded issue; returns when there are none. */
  throwIfAny(): void {
    if (this.list.length === 0) return;
    const summary = this.list.map((issue) => `${issue.path} ${issue.message}`).join('; ');
    throw new BadInputError(`invalid input: ${summary}`, { issues: this.list });
  }

  /** The value when it is a string; records "is required" or "must be a string" otherwise. */
  private string(path: string, value: unknown, required: boolean): string | null {
    if (value === undefined || value === null) {
      if (required) this.add(path, 'is required');
      return null;
    }
    if (typeof value !== 'string') {
      this.add(path, 'must be a string');
      return null;
    }
    return value;
  }

  /** Storable text of at most `limit` characters; a required one must not be blank. */
  text(path: string, value: string | null | undefined, limit: number, required: boolean): string | null {
    const text = this.string(path, value, required);
    if (text === null) return null;
    const unstorable = unstorableText(text);
    if (unstorable) this.add(path, unstorable);
    else if (required && text.trim() === '') this.add(path, 'must not be empty');
    const length = [...text].length;
    if (length > limit) this.add(path, `must be at most ${limit} characters (got ${length})`);
    return text;
  }

  id(path: string, value: string | null | undefined, required: boolean): string | null {
    const id = this.string(path, value, required);
    if (id === null) return null;
    if (id.trim() === '' || id !== id.trim()) this.add(path, 'must be a non-empty id without surrounding spaces');
    else if (CONTROL.test(id)) this.add(path, 'must not contain control characters');
    else if (unstorableText(id)) this.add(path, unstorableText(id)!);
    if (id.length > INPUT_LIMITS.idChars) this.add(path, `must be at most ${INPUT_LIMITS.idChars} characters`);
    return id;
  }
}
