"""The trajectory's rules that span tables, enforced by the database (issue 19, point 3).

The services keep every one of them; these triggers make sure no other path (the admin, a bulk
update, COPY, a psql session) can store what the services would refuse. Each raises with
ERRCODE check_violation and CONSTRAINT = the name of its rule (the first trigger of each pair
below), so a caller can tell which rule was broken; the admin shows the message on the form.

* phase_within_trajectory_dates / trajectory_dates_around_phases: a phase starts on or before
  the day its trajectory stopped or ended and is ended by then (0002 already keeps it from
  starting before the trajectory), whichever of the two rows changes;
* trajectory_completed_with_nazorg / phase_nazorg_of_completed_trajectory: a completed
  trajectory has a completed (ended, paid) Nazorg. DEFERRABLE: the demo generator writes its
  trajectories before their phases and defers this one check to its commit; deleting a
  phase is checked at commit (deferred), so that deleting a whole trajectory, whose phases
  go first, is not refused;
* phase_record_fee_within_indexed_maximum: a fee is never above the schedule's amount for that
  phase, indexed; the index values it was computed with are those recorded for its reference
  month and the schedule's base month (else any fee could be made to fit), the reference month
  follows the schedule's rule, and the schedule is the one in force on the phase's end date;
* trajectory_fees_within_indexed_cap: the fees up to each completed phase stay within the cap
  per trajectory indexed as that phase's fee was (what services.fee_within_cap keeps).

A fee is checked when it is written: a later correction of the health index or of a schedule
does not make fees fixed before it invalid.
"""

from django.db import migrations

CREATE = r"""
-- The health index of a month as trajectories.indexation.HealthIndex.value computes it: plain,
-- or the mean of the four months ending with it rounded half up to the cent; NULL if missing.
CREATE FUNCTION trajectories_health_index(month date, kind text) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN kind = 'plain'
        THEN (SELECT value FROM trajectories_healthindexmonth h WHERE h.month = $1)
        ELSE (SELECT CASE WHEN count(*) = 4 THEN round(avg(value), 2) END
              FROM trajectories_healthindexmonth h
              WHERE h.month BETWEEN ($1 - interval '3 months')::date AND $1)
    END
$$;

-- A phase and the dates of its trajectory.
CREATE FUNCTION trajectories_phase_within_trajectory_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    trajectory_end date;
BEGIN
    SELECT end_date INTO trajectory_end FROM trajectories_trajectory WHERE id = NEW.trajectory_id;
    IF trajectory_end IS NULL THEN
        RETURN NULL;
    END IF;
    IF NEW.start_date > trajectory_end THEN
        RAISE EXCEPTION 'Fase % begint (%) nadat het traject eindigde (%).',
            NEW.phase, NEW.start_date, trajectory_end
            USING ERRCODE = 'check_violation', CONSTRAINT = 'phase_within_trajectory_dates';
    END IF;
    IF NEW.end_date IS NULL OR NEW.end_date > trajectory_end THEN
        RAISE EXCEPTION 'Fase % eindigt (%) niet op of voor het einde van het traject (%).',
            NEW.phase, coalesce(NEW.end_date::text, 'nog niet'), trajectory_end
            USING ERRCODE = 'check_violation', CONSTRAINT = 'phase_within_trajectory_dates';
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER phase_within_trajectory_dates
    AFTER INSERT OR UPDATE OF trajectory_id, start_date, end_date ON trajectories_phaserecord
    FOR EACH ROW EXECUTE FUNCTION trajectories_phase_within_trajectory_check();

CREATE FUNCTION trajectories_trajectory_around_phases_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    outside record;
BEGIN
    SELECT phase, start_date, end_date INTO outside FROM trajectories_phaserecord
        WHERE trajectory_id = NEW.id
          AND (start_date > NEW.end_date OR end_date IS NULL OR end_date > NEW.end_date)
        ORDER BY phase LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'Het traject kan niet eindigen (%) voor fase % geëindigd is (%).',
            NEW.end_date, outside.phase, coalesce(outside.end_date::text, 'loopt nog')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'phase_within_trajectory_dates';
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER trajectory_dates_around_phases
    AFTER INSERT OR UPDATE OF end_date ON trajectories_trajectory
    FOR EACH ROW WHEN (NEW.end_date IS NOT NULL)
    EXECUTE FUNCTION trajectories_trajectory_around_phases_check();

-- A completed trajectory and its Nazorg.
CREATE FUNCTION trajectories_completed_with_nazorg_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    checked_id bigint;
BEGIN
    IF TG_TABLE_NAME = 'trajectories_trajectory' THEN
        checked_id := NEW.id;
    ELSE
        checked_id := OLD.trajectory_id;
    END IF;
    IF EXISTS (SELECT 1 FROM trajectories_trajectory t
               WHERE t.id = checked_id AND t.status = 'afgerond')
       AND NOT EXISTS (SELECT 1 FROM trajectories_phaserecord p
                       WHERE p.trajectory_id = checked_id AND p.phase = 4
                         AND p.end_date IS NOT NULL AND p.fee_amount IS NOT NULL) THEN
        RAISE EXCEPTION 'Een afgerond traject heeft een afgeronde nazorg (fase 4).'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'trajectory_completed_with_nazorg';
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER trajectory_completed_with_nazorg
    AFTER INSERT OR UPDATE OF status ON trajectories_trajectory
    DEFERRABLE INITIALLY IMMEDIATE
    FOR EACH ROW WHEN (NEW.status = 'afgerond')
    EXECUTE FUNCTION trajectories_completed_with_nazorg_check();

CREATE CONSTRAINT TRIGGER phase_nazorg_of_completed_trajectory
    AFTER UPDATE OF trajectory_id, phase, end_date, fee_amount ON trajectories_phaserecord
    DEFERRABLE INITIALLY IMMEDIATE
    FOR EACH ROW WHEN (OLD.phase = 4)
    EXECUTE FUNCTION trajectories_completed_with_nazorg_check();

CREATE CONSTRAINT TRIGGER phase_nazorg_of_completed_trajectory_delete
    AFTER DELETE ON trajectories_phaserecord
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (OLD.phase = 4)
    EXECUTE FUNCTION trajectories_completed_with_nazorg_check();

-- A phase's fee and the indexed amounts of its schedule.
CREATE FUNCTION trajectories_phase_fee_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    schedule trajectories_feeschedule;
    phase_base numeric;
    expected_month date;
    maximum numeric;
    over record;
BEGIN
    SELECT * INTO schedule FROM trajectories_feeschedule WHERE id = NEW.fee_schedule_id;
    SELECT s.base_amount INTO phase_base FROM trajectories_feeschedulephase s
        WHERE s.schedule_id = NEW.fee_schedule_id AND s.phase = NEW.phase;
    IF phase_base IS NULL THEN
        RAISE EXCEPTION 'De regeling % heeft geen vergoeding voor fase %.', schedule.name, NEW.phase
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'phase_record_fee_within_indexed_maximum';
    END IF;
    IF NEW.end_date < schedule.valid_from
       OR (schedule.valid_to IS NOT NULL AND NEW.end_date > schedule.valid_to) THEN
        RAISE EXCEPTION 'Fase % eindigde (%) buiten de geldigheid van de regeling %.',
            NEW.phase, NEW.end_date, schedule.name
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'phase_record_fee_within_indexed_maximum';
    END IF;
    expected_month := CASE WHEN schedule.reference_month_rule = 'january'
        THEN make_date(extract(year FROM NEW.end_date)::int, 1, 1)
        ELSE date_trunc('month', NEW.end_date)::date END;
    IF NEW.index_reference_month IS DISTINCT FROM expected_month
       OR NEW.index_value IS DISTINCT FROM
          trajectories_health_index(expected_month, schedule.index_kind)
       OR NEW.index_base_value IS DISTINCT FROM
          trajectories_health_index(schedule.index_base_month, schedule.index_kind) THEN
        RAISE EXCEPTION 'De index van fase % (% / % voor %) is niet de geregistreerde '
            'gezondheidsindex van de regeling %.', NEW.phase, NEW.index_value,
            NEW.index_base_value, NEW.index_reference_month, schedule.name
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'phase_record_fee_within_indexed_maximum';
    END IF;
    -- Rounded half up: never below what either rounding rule of the schedule gives.
    maximum := round(phase_base * NEW.index_value / NEW.index_base_value, 2);
    IF NEW.fee_amount > maximum THEN
        RAISE EXCEPTION 'De vergoeding van fase % (EUR %) is hoger dan het geïndexeerde bedrag '
            'van de regeling (EUR %).', NEW.phase, NEW.fee_amount, maximum
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'phase_record_fee_within_indexed_maximum';
    END IF;

    -- Each completed phase's fee, with those before it, within the cap indexed as it was.
    SELECT p.phase, totals.paid,
           round(s.cap_amount * p.index_value / p.index_base_value, 2) AS cap INTO over
    FROM trajectories_phaserecord p
    JOIN trajectories_feeschedule s ON s.id = p.fee_schedule_id
    CROSS JOIN LATERAL (SELECT sum(q.fee_amount) AS paid FROM trajectories_phaserecord q
                        WHERE q.trajectory_id = p.trajectory_id AND q.phase <= p.phase) totals
    WHERE p.trajectory_id = NEW.trajectory_id AND p.fee_amount IS NOT NULL
      AND totals.paid > round(s.cap_amount * p.index_value / p.index_base_value, 2)
    ORDER BY p.phase LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'De vergoedingen tot en met fase % (EUR %) overschrijden het '
            'geïndexeerde plafond per traject (EUR %).', over.phase, over.paid, over.cap
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'trajectory_fees_within_indexed_cap';
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER phase_record_fee_within_indexed_maximum
    AFTER INSERT ON trajectories_phaserecord
    FOR EACH ROW WHEN (NEW.fee_amount IS NOT NULL)
    EXECUTE FUNCTION trajectories_phase_fee_check();

-- Only when something the fee depends on changed: imports and the admin rewrite hours and
-- dates of paid phases often, and a fee is fixed once written.
CREATE CONSTRAINT TRIGGER phase_record_fee_within_indexed_maximum_update
    AFTER UPDATE ON trajectories_phaserecord
    FOR EACH ROW WHEN (
        NEW.fee_amount IS NOT NULL AND
        (OLD.trajectory_id, OLD.phase, OLD.end_date, OLD.fee_amount, OLD.fee_schedule_id,
         OLD.index_reference_month, OLD.index_value, OLD.index_base_value)
        IS DISTINCT FROM
        (NEW.trajectory_id, NEW.phase, NEW.end_date, NEW.fee_amount, NEW.fee_schedule_id,
         NEW.index_reference_month, NEW.index_value, NEW.index_base_value))
    EXECUTE FUNCTION trajectories_phase_fee_check();
"""

DROP = """
DROP TRIGGER phase_record_fee_within_indexed_maximum_update ON trajectories_phaserecord;
DROP TRIGGER phase_record_fee_within_indexed_maximum ON trajectories_phaserecord;
DROP FUNCTION trajectories_phase_fee_check();
DROP TRIGGER phase_nazorg_of_completed_trajectory_delete ON trajectories_phaserecord;
DROP TRIGGER phase_nazorg_of_completed_trajectory ON trajectories_phaserecord;
DROP TRIGGER trajectory_completed_with_nazorg ON trajectories_trajectory;
DROP FUNCTION trajectories_completed_with_nazorg_check();
DROP TRIGGER trajectory_dates_around_phases ON trajectories_trajectory;
DROP FUNCTION trajectories_trajectory_around_phases_check();
DROP TRIGGER phase_within_trajectory_dates ON trajectories_phaserecord;
DROP FUNCTION trajectories_phase_within_trajectory_check();
DROP FUNCTION trajectories_health_index(date, text);
"""


class Migration(migrations.Migration):
    dependencies = [("trajectories", "0006_current_phase")]

    operations = [migrations.RunSQL(CREATE, DROP)]
