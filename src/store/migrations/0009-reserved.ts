// Never edit this file once released; see 0001-runs.ts.
//
// Number 9 is taken by a schema change made on another line of work at the same time as
// 0010; this stand-in keeps the numbers running 1, 2, 3… on this line and is replaced by
// that change when both lines are joined (no database outside tests has applied it).

export const name = '0009-reserved';

export const sql = `SELECT 1;`;
