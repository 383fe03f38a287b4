// Loaded by ava (package.json "ava.require") in every worker before its test file: once the
// file's tests and after hooks are done, the worker exits even if a handle is still open (a
// child process that outlived its test, a stray socket). Without it such a worker never exits,
// and ava 7 may never time it out either: its inactivity timer is not re-armed when it fires
// inside a test's t.timeout() window, so a whole `npm test` can hang until CI kills it.
import { registerCompletionHandler } from 'ava';

export default function exitWhenDone(): void {
  registerCompletionHandler(() => process.exit());
}
