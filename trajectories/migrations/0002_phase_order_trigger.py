"""Rules across phase rows that a CHECK constraint cannot see, enforced by a trigger.

* a phase after Voortraject needs the previous phase of the same trajectory, ended;
* it starts on or after the day the previous phase ended (and not before the trajectory);
* a phase that has a successor cannot be reopened or end after its successor started;
* a phase cannot be deleted while the next one exists.

It is an AFTER ... FOR EACH ROW constraint trigger, so it sees every row of the statement: the
four phases of a trajectory can be inserted in one bulk_create or COPY, in order or not.
"""

from django.db import migrations

CREATE = r"""
CREATE FUNCTION trajectories_phase_record_order_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    previous_end date;
    previous_found boolean;
    next_start date;
    trajectory_start date;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF EXISTS (SELECT 1 FROM trajectories_phaserecord
                   WHERE trajectory_id = OLD.trajectory_id AND phase > OLD.phase) THEN
            RAISE EXCEPTION 'Fase % kan niet weg zolang een latere fase bestaat.', OLD.phase
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END IF;

    -- The row may already be gone again (deleted later in the same statement or transaction).
    IF NOT EXISTS (SELECT 1 FROM trajectories_phaserecord WHERE id = NEW.id) THEN
        RETURN NULL;
    END IF;

    SELECT start_date INTO trajectory_start FROM trajectories_trajectory
        WHERE id = NEW.trajectory_id;
    IF NEW.start_date < trajectory_start THEN
        RAISE EXCEPTION 'Fase % begint (%) voor het traject (%).',
            NEW.phase, NEW.start_date, trajectory_start USING ERRCODE = 'check_violation';
    END IF;

    IF NEW.phase > 1 THEN
        SELECT true, end_date INTO previous_found, previous_end FROM trajectories_phaserecord
            WHERE trajectory_id = NEW.trajectory_id AND phase = NEW.phase - 1;
        IF previous_found IS NULL THEN
            RAISE EXCEPTION 'Fase % zonder fase % ervoor: de fasen volgen elkaar op.',
                NEW.phase, NEW.phase - 1 USING ERRCODE = 'check_violation';
        END IF;
        IF previous_end IS NULL THEN
            RAISE EXCEPTION 'Fase % begint terwijl fase % nog loopt.', NEW.phase, NEW.phase - 1
                USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.start_date < previous_end THEN
            RAISE EXCEPTION 'Fase % begint (%) voor fase % eindigde (%).',
                NEW.phase, NEW.start_date, NEW.phase - 1, previous_end
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;

    SELECT start_date INTO next_start FROM trajectories_phaserecord
        WHERE trajectory_id = NEW.trajectory_id AND phase = NEW.phase + 1;
    IF next_start IS NOT NULL AND (NEW.end_date IS NULL OR NEW.end_date > next_start) THEN
        RAISE EXCEPTION 'Fase % moet geëindigd zijn voor fase % begint (%).',
            NEW.phase, NEW.phase + 1, next_start USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER phase_record_order
    AFTER INSERT OR UPDATE OF trajectory_id, phase, start_date, end_date OR DELETE
    ON trajectories_phaserecord
    FOR EACH ROW EXECUTE FUNCTION trajectories_phase_record_order_check();

-- A trajectory cannot start after one of its phases.
CREATE FUNCTION trajectories_trajectory_start_check() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM trajectories_phaserecord
               WHERE trajectory_id = NEW.id AND start_date < NEW.start_date) THEN
        RAISE EXCEPTION 'Het traject kan niet na een van zijn fasen beginnen (%).', NEW.start_date
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER trajectory_start_before_phases
    AFTER UPDATE OF start_date ON trajectories_trajectory
    FOR EACH ROW EXECUTE FUNCTION trajectories_trajectory_start_check();
"""

DROP = """
DROP TRIGGER trajectory_start_before_phases ON trajectories_trajectory;
DROP FUNCTION trajectories_trajectory_start_check();
DROP TRIGGER phase_record_order ON trajectories_phaserecord;
DROP FUNCTION trajectories_phase_record_order_check();
"""


class Migration(migrations.Migration):
    dependencies = [("trajectories", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
