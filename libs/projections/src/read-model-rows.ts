/** Row shapes both read-model adapters read back (the same columns in SQLite and PostgreSQL). */

/** An activity awaiting its unit's verification. */
export interface PendingRow {
  person_id: string;
  year: number;
  activity_id: string;
  category: string;
  title: string;
  declared_at: string;
  position: number;
}

/** A person-year its unit confirmed, awaiting an authority's finalisation. */
export interface ConfirmedRow {
  person_id: string;
  year: number;
  unit_id: string;
  confirmed_at: string;
}
