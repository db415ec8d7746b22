/** A part of a view that loads on its own: its value, or why there is none. */
import { ApiError, errorMessage } from '../api';

export interface IPart<T> {
  value: T | null;
  /** Why there is no value: an error, or (a 404) what is missing, e.g. no statistics. */
  message: string | null;
  /** The message is the server saying "not there" (a note), not a failure. */
  missing: boolean;
}

export function emptyPart<T>(): IPart<T> {
  return { value: null, message: null, missing: false };
}

/** What `load` settles to, as a part: never rejects. */
export async function part<T>(load: Promise<T>): Promise<IPart<T>> {
  try {
    return { value: await load, message: null, missing: false };
  } catch (error) {
    const missing = error instanceof ApiError && error.status === 404;
    return { value: null, message: errorMessage(error), missing };
  }
}
