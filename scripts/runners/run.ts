import { check } from './cached';

check().then(
  (result) => console.log(`RESULT: ${result}`),
  (error: unknown) => {
    console.log(`RESULT: fails: ${String(error)}`);
    process.exitCode = 1;
  },
);
