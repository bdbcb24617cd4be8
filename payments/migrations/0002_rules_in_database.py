"""The rules of paying providers that span rows, and the running totals, kept by the database.

Every hand-written statement of the payments app is here. The services keep each rule too; these
triggers make sure no other path (the admin, a bulk update, COPY, a psql session) can store what
the services would refuse, and that the totals follow every write whatever path it takes. Each
refusal raises ERRCODE check_violation with CONSTRAINT = the name of its rule.

* A claim line carries its claim's mandate and status (`payments_line_from_claim`, and
  `payments_claim_to_lines` when a claim's status changes), so the partial unique index
  `claim_line_phase_claimed_once` holds "a phase is claimed at most once while its claim is not
  rejected" (a rejected claim frees its phases at once).
* `payment_not_above_approved`: no payment above the amount approved for its claim (checked on
  the payment and on a later change of the approved amount).
* `claimed_phase_unchanged`: a phase on a claim that is not rejected keeps its fee, end date,
  phase and trajectory, and is not deleted; nor does its trajectory change mandate. A claimed
  fee is corrected by a correction run, never overwritten.
* `correction_item_of_a_preview`: a correction run's items change only while it is a preview;
  an approved run stays approved.
* The ledger (`payments_ledgermonth`, per mandate and month of completion): owed (the fees of
  completed phases, plus the differences of approved correction runs), claimed, approved and
  paid, added to by statement-level triggers with the difference each statement makes (one
  upsert per statement, not per row: COPY of 30,000 demo phases is one aggregate). Its pages
  are kept half empty (fillfactor 50), so the updates stay on their page.

The status values are those of payments.states (tests/test_payments_database_rules.py compares
them).
"""

from django.db import migrations

# payments.states: CLAIMED, DECIDED and PAID, as stored.
CLAIMED = (
    "'ingediend', 'in_behandeling', 'goedgekeurd', 'deels_goedgekeurd', 'betaald', "
    "'betaling_mislukt', 'opnieuw_uitgegeven'"
)
DECIDED = "'goedgekeurd', 'deels_goedgekeurd', 'betaald', 'betaling_mislukt', 'opnieuw_uitgegeven'"
PAID = "'betaald'"
REJECTED = "'afgewezen'"

UPSERT = """
    INSERT INTO payments_ledgermonth AS l
        (mandate_id, month, owed_phases, owed, claimed, approved, paid)
    SELECT mandate_id, month, sum(owed_phases), sum(owed), sum(claimed), sum(approved), sum(paid)
    FROM ({changes}) AS c (mandate_id, month, owed_phases, owed, claimed, approved, paid)
    GROUP BY mandate_id, month
    HAVING sum(owed_phases) <> 0 OR sum(owed) <> 0 OR sum(claimed) <> 0 OR sum(approved) <> 0
        OR sum(paid) <> 0
    ON CONFLICT (mandate_id, month) DO UPDATE SET
        owed_phases = l.owed_phases + EXCLUDED.owed_phases,
        owed = l.owed + EXCLUDED.owed,
        claimed = l.claimed + EXCLUDED.claimed,
        approved = l.approved + EXCLUDED.approved,
        paid = l.paid + EXCLUDED.paid;
"""

# What one line adds to its month (sign 1) or takes away (sign -1).
LINE_CHANGE = f"""
    SELECT mandate_id, date_trunc('month', completed_on)::date, 0, 0::numeric,
        {{sign}} * amount,
        {{sign}} * CASE WHEN claim_status IN ({DECIDED}) THEN amount - deduction ELSE 0 END,
        {{sign}} * CASE WHEN claim_status IN ({PAID}) THEN amount - deduction ELSE 0 END
    FROM {{rows}} WHERE claim_status IN ({CLAIMED})
"""

# What a completed phase adds to its mandate's month (the trajectory says which mandate).
PHASE_CHANGE = """
    SELECT {mandate}, date_trunc('month', p.end_date)::date, {sign}, {sign} * p.fee_amount,
        0::numeric, 0::numeric, 0::numeric
    FROM {rows} p {join} WHERE p.fee_amount IS NOT NULL {where}
"""
OWN_TRAJECTORY = "JOIN trajectories_trajectory t ON t.id = p.trajectory_id"
CHANGED_PHASE = (
    "(n.fee_amount, n.end_date, n.trajectory_id, n.phase) IS DISTINCT FROM "
    "(o.fee_amount, o.end_date, o.trajectory_id, o.phase)"
)


def _phase_update_changes() -> str:
    """Only the rows whose fee, end, phase or trajectory changed: the old row taken away from
    its mandate's month, the new one added (an import that changes hours changes nothing)."""
    old = PHASE_CHANGE.format(
        mandate="t.mandate_id",
        sign="-1",
        rows="old_rows",
        join=f"JOIN new_rows n ON n.id = p.id {OWN_TRAJECTORY}",
        where=f"AND {CHANGED_PHASE.replace('o.', 'p.')}",
    )
    new = PHASE_CHANGE.format(
        mandate="t.mandate_id",
        sign="1",
        rows="new_rows",
        join=f"JOIN old_rows o ON o.id = p.id {OWN_TRAJECTORY}",
        where=f"AND {CHANGED_PHASE.replace('n.', 'p.')}",
    )
    return f"{old} UNION ALL {new}"


CLAIMED_PHASE_REFUSAL = """
    RAISE EXCEPTION 'Fase % van traject % staat op schuldvordering SV-%: een gevorderde vergoeding wordt niet gewijzigd of verwijderd (een correctieronde verrekent een verschil).',
        held.phase, held.trajectory_id, lpad(held.claim_id::text, 6, '0')
        USING ERRCODE = 'check_violation', CONSTRAINT = 'claimed_phase_unchanged';
"""

CREATE = f"""
-- A line carries its claim's mandate and status, whatever is written into it.
CREATE FUNCTION payments_line_from_claim() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT mandate_id, status INTO NEW.mandate_id, NEW.claim_status
        FROM payments_claim WHERE id = NEW.claim_id;
    RETURN NEW;
END;
$$;
CREATE TRIGGER payments_line_from_claim BEFORE INSERT OR UPDATE ON payments_claimline
    FOR EACH ROW EXECUTE FUNCTION payments_line_from_claim();

CREATE FUNCTION payments_claim_to_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE payments_claimline SET claim_status = NEW.status, mandate_id = NEW.mandate_id
        WHERE claim_id = NEW.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER payments_claim_to_lines AFTER UPDATE ON payments_claim FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.mandate_id IS DISTINCT FROM NEW.mandate_id)
    EXECUTE FUNCTION payments_claim_to_lines();

-- No payment above what was approved.
CREATE FUNCTION payments_payment_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    approved numeric;
BEGIN
    SELECT approved_amount INTO approved FROM payments_claim WHERE id = NEW.claim_id;
    IF approved IS NULL OR NEW.amount > approved THEN
        RAISE EXCEPTION 'Betaling % van EUR % is hoger dan het goedgekeurde bedrag van schuldvordering SV-% (EUR %).',
            NEW.reference, NEW.amount, lpad(NEW.claim_id::text, 6, '0'), coalesce(approved::text, 'geen')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_not_above_approved';
    END IF;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER payment_not_above_approved AFTER INSERT OR UPDATE ON payments_payment
    FOR EACH ROW EXECUTE FUNCTION payments_payment_check();

CREATE FUNCTION payments_claim_approved_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    paid record;
BEGIN
    SELECT reference, amount INTO paid FROM payments_payment
        WHERE claim_id = NEW.id AND (NEW.approved_amount IS NULL OR amount > NEW.approved_amount);
    IF FOUND THEN
        RAISE EXCEPTION 'Betaling % van EUR % is hoger dan het goedgekeurde bedrag van schuldvordering SV-% (EUR %).',
            paid.reference, paid.amount, lpad(NEW.id::text, 6, '0'), coalesce(NEW.approved_amount::text, 'geen')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_not_above_approved';
    END IF;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER payment_not_above_approved_claim AFTER UPDATE ON payments_claim
    FOR EACH ROW WHEN (OLD.approved_amount IS DISTINCT FROM NEW.approved_amount)
    EXECUTE FUNCTION payments_claim_approved_check();

-- The ledger: what a statement on claim lines adds and takes away.
CREATE FUNCTION payments_ledger_lines_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {UPSERT.format(changes=LINE_CHANGE.format(sign="1", rows="new_rows"))}
    RETURN NULL;
END;
$$;
CREATE TRIGGER payments_ledger_lines_insert AFTER INSERT ON payments_claimline
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION payments_ledger_lines_insert();

CREATE FUNCTION payments_ledger_lines_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {UPSERT.format(changes=LINE_CHANGE.format(sign="-1", rows="old_rows") + " UNION ALL " + LINE_CHANGE.format(sign="1", rows="new_rows"))}
    RETURN NULL;
END;
$$;
CREATE TRIGGER payments_ledger_lines_update AFTER UPDATE ON payments_claimline
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION payments_ledger_lines_update();

CREATE FUNCTION payments_ledger_lines_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {UPSERT.format(changes=LINE_CHANGE.format(sign="-1", rows="old_rows"))}
    RETURN NULL;
END;
$$;
CREATE TRIGGER payments_ledger_lines_delete AFTER DELETE ON payments_claimline
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION payments_ledger_lines_delete();

-- The ledger: what a statement on phases adds and takes away; a claimed phase stays as it was.
CREATE FUNCTION payments_ledger_phases_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {UPSERT.format(changes=PHASE_CHANGE.format(mandate="t.mandate_id", sign="1", rows="new_rows", join=OWN_TRAJECTORY, where=""))}
    RETURN NULL;
END;
$$;
CREATE TRIGGER payments_ledger_phases_insert AFTER INSERT ON trajectories_phaserecord
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION payments_ledger_phases_insert();

CREATE FUNCTION payments_ledger_phases_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    held record;
BEGIN
    SELECT o.phase, o.trajectory_id, l.claim_id INTO held
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        JOIN payments_claimline l ON l.phase_id = o.id AND l.claim_status <> {REJECTED}
        WHERE {CHANGED_PHASE} LIMIT 1;
    IF FOUND THEN
        {CLAIMED_PHASE_REFUSAL}
    END IF;
    {UPSERT.format(changes=_phase_update_changes())}
    RETURN NULL;
END;
$$;
CREATE TRIGGER payments_ledger_phases_update AFTER UPDATE ON trajectories_phaserecord
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION payments_ledger_phases_update();

CREATE FUNCTION payments_ledger_phases_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    held record;
BEGIN
    SELECT o.phase, o.trajectory_id, l.claim_id INTO held
        FROM old_rows o JOIN payments_claimline l ON l.phase_id = o.id
        AND l.claim_status <> {REJECTED} LIMIT 1;
    IF FOUND THEN
        {CLAIMED_PHASE_REFUSAL}
    END IF;
    {UPSERT.format(changes=PHASE_CHANGE.format(mandate="t.mandate_id", sign="-1", rows="old_rows", join=OWN_TRAJECTORY, where=""))}
    RETURN NULL;
END;
$$;
CREATE TRIGGER payments_ledger_phases_delete AFTER DELETE ON trajectories_phaserecord
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION payments_ledger_phases_delete();

-- A trajectory that moves to another mandate takes its owed fees along; not when claimed.
CREATE FUNCTION payments_ledger_trajectories_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    held record;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
                   WHERE n.mandate_id <> o.mandate_id) THEN
        RETURN NULL;
    END IF;
    SELECT p.phase, p.trajectory_id, l.claim_id INTO held
        FROM old_rows o JOIN new_rows n ON n.id = o.id AND n.mandate_id <> o.mandate_id
        JOIN trajectories_phaserecord p ON p.trajectory_id = o.id
        JOIN payments_claimline l ON l.phase_id = p.id AND l.claim_status <> {REJECTED} LIMIT 1;
    IF FOUND THEN
        {CLAIMED_PHASE_REFUSAL}
    END IF;
    {UPSERT.format(changes=PHASE_CHANGE.format(mandate="o.mandate_id", sign="-1", rows="trajectories_phaserecord", join="JOIN old_rows o ON o.id = p.trajectory_id JOIN new_rows n ON n.id = o.id", where="AND n.mandate_id <> o.mandate_id") + " UNION ALL " + PHASE_CHANGE.format(mandate="n.mandate_id", sign="1", rows="trajectories_phaserecord", join="JOIN old_rows o ON o.id = p.trajectory_id JOIN new_rows n ON n.id = o.id", where="AND n.mandate_id <> o.mandate_id"))}
    RETURN NULL;
END;
$$;
CREATE TRIGGER payments_ledger_trajectories_update AFTER UPDATE ON trajectories_trajectory
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION payments_ledger_trajectories_update();

-- A correction run: its items change only while it is a preview; approved, its differences
-- are owed.
CREATE FUNCTION payments_correction_item_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    run_status text;
BEGIN
    SELECT status INTO run_status FROM payments_correctionrun
        WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.run_id ELSE NEW.run_id END;
    IF run_status IS DISTINCT FROM 'voorbeeld' AND NOT (TG_OP = 'DELETE' AND run_status IS NULL) THEN
        RAISE EXCEPTION 'Correctieronde %: alleen een voorbeeld verandert nog.',
            CASE WHEN TG_OP = 'DELETE' THEN OLD.run_id ELSE NEW.run_id END
            USING ERRCODE = 'check_violation', CONSTRAINT = 'correction_item_of_a_preview';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;
CREATE TRIGGER correction_item_of_a_preview BEFORE INSERT OR UPDATE OR DELETE
    ON payments_correctionitem FOR EACH ROW EXECUTE FUNCTION payments_correction_item_check();

CREATE FUNCTION payments_ledger_corrections_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
               WHERE o.status <> 'voorbeeld' AND n.status IS DISTINCT FROM o.status) THEN
        RAISE EXCEPTION 'Een goedgekeurde of verworpen correctieronde blijft zoals ze is.'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'correction_item_of_a_preview';
    END IF;
    {UPSERT.format(changes="SELECT i.mandate_id, date_trunc('month', i.completed_on)::date, 0, i.difference, 0::numeric, 0::numeric, 0::numeric FROM payments_correctionitem i JOIN new_rows n ON n.id = i.run_id JOIN old_rows o ON o.id = n.id WHERE n.status = 'goedgekeurd' AND o.status = 'voorbeeld'")}
    RETURN NULL;
END;
$$;
CREATE TRIGGER payments_ledger_corrections_update AFTER UPDATE ON payments_correctionrun
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION payments_ledger_corrections_update();

-- Every statement that changes a fee, a line or a status updates a few ledger rows: room on
-- their pages keeps those updates on the page (HOT), so the table stays the size of its rows.
ALTER TABLE payments_ledgermonth SET (fillfactor = 50);

-- What is owed already, once.
{UPSERT.format(changes=PHASE_CHANGE.format(mandate="t.mandate_id", sign="1", rows="trajectories_phaserecord", join=OWN_TRAJECTORY, where=""))}
"""

DROP = """
DROP TRIGGER payments_ledger_corrections_update ON payments_correctionrun;
DROP FUNCTION payments_ledger_corrections_update();
DROP TRIGGER correction_item_of_a_preview ON payments_correctionitem;
DROP FUNCTION payments_correction_item_check();
DROP TRIGGER payments_ledger_trajectories_update ON trajectories_trajectory;
DROP FUNCTION payments_ledger_trajectories_update();
DROP TRIGGER payments_ledger_phases_delete ON trajectories_phaserecord;
DROP FUNCTION payments_ledger_phases_delete();
DROP TRIGGER payments_ledger_phases_update ON trajectories_phaserecord;
DROP FUNCTION payments_ledger_phases_update();
DROP TRIGGER payments_ledger_phases_insert ON trajectories_phaserecord;
DROP FUNCTION payments_ledger_phases_insert();
DROP TRIGGER payments_ledger_lines_delete ON payments_claimline;
DROP FUNCTION payments_ledger_lines_delete();
DROP TRIGGER payments_ledger_lines_update ON payments_claimline;
DROP FUNCTION payments_ledger_lines_update();
DROP TRIGGER payments_ledger_lines_insert ON payments_claimline;
DROP FUNCTION payments_ledger_lines_insert();
DROP TRIGGER payment_not_above_approved_claim ON payments_claim;
DROP FUNCTION payments_claim_approved_check();
DROP TRIGGER payment_not_above_approved ON payments_payment;
DROP FUNCTION payments_payment_check();
DROP TRIGGER payments_claim_to_lines ON payments_claim;
DROP FUNCTION payments_claim_to_lines();
DROP TRIGGER payments_line_from_claim ON payments_claimline;
DROP FUNCTION payments_line_from_claim();
DELETE FROM payments_ledgermonth;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
        ("trajectories", "0009_worker_personal_data_named_in_events"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
