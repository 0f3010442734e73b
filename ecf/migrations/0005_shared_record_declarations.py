"""Declarations on training records shared between lead providers, kept by triggers (see the model's
docstring, `ecf.models.declarations.SharedRecordDeclaration`), and filled for the declarations already there."""

import django.db.models.deletion
from django.db import migrations, models

# The declarations of a training record (NEW.training_record_id) made by a provider other than the period's.
_DECLARATIONS_OF_PERIOD = """
    SELECT declaration.id FROM ecf_declaration declaration
    WHERE declaration.training_record_id = NEW.training_record_id
        AND declaration.lead_provider_id <> NEW.lead_provider_id
"""
# Whether another provider than the declaration's (NEW) has a period for its training record.
_OTHER_PROVIDERS_PERIOD = """
    EXISTS (SELECT 1 FROM ecf_trainingperiod period
            WHERE period.training_record_id = NEW.training_record_id
                AND period.lead_provider_id <> NEW.lead_provider_id)
"""
# A period's (school-led periods have no provider) or a declaration's record or provider changing; SQLite
# spells IS DISTINCT FROM as IS NOT.
_KEY_CHANGED = (
    "OLD.training_record_id {differs} NEW.training_record_id OR OLD.lead_provider_id {differs} NEW.lead_provider_id"
)

POSTGRESQL = [
    f"""
    CREATE FUNCTION ecf_share_declarations_of_period() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO ecf_sharedrecorddeclaration (declaration_id) {_DECLARATIONS_OF_PERIOD}
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$
    """,
    f"""
    CREATE FUNCTION ecf_share_declaration() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF {_OTHER_PROVIDERS_PERIOD} THEN
            INSERT INTO ecf_sharedrecorddeclaration (declaration_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER ecf_period_inserted_shares_declarations AFTER INSERT ON ecf_trainingperiod
    FOR EACH ROW WHEN (NEW.lead_provider_id IS NOT NULL) EXECUTE FUNCTION ecf_share_declarations_of_period()
    """,
    f"""
    CREATE TRIGGER ecf_period_updated_shares_declarations AFTER UPDATE ON ecf_trainingperiod
    FOR EACH ROW WHEN (NEW.lead_provider_id IS NOT NULL AND ({_KEY_CHANGED.format(differs='IS DISTINCT FROM')}))
    EXECUTE FUNCTION ecf_share_declarations_of_period()
    """,
    """
    CREATE TRIGGER ecf_declaration_inserted_shared AFTER INSERT ON ecf_declaration
    FOR EACH ROW EXECUTE FUNCTION ecf_share_declaration()
    """,
    f"""
    CREATE TRIGGER ecf_declaration_updated_shared AFTER UPDATE ON ecf_declaration
    FOR EACH ROW WHEN ({_KEY_CHANGED.format(differs='IS DISTINCT FROM')}) EXECUTE FUNCTION ecf_share_declaration()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER ecf_period_inserted_shares_declarations ON ecf_trainingperiod",
    "DROP TRIGGER ecf_period_updated_shares_declarations ON ecf_trainingperiod",
    "DROP TRIGGER ecf_declaration_inserted_shared ON ecf_declaration",
    "DROP TRIGGER ecf_declaration_updated_shared ON ecf_declaration",
    "DROP FUNCTION ecf_share_declarations_of_period()",
    "DROP FUNCTION ecf_share_declaration()",
]

SQLITE = [
    f"""
    CREATE TRIGGER ecf_period_inserted_shares_declarations AFTER INSERT ON ecf_trainingperiod
    WHEN NEW.lead_provider_id IS NOT NULL
    BEGIN INSERT OR IGNORE INTO ecf_sharedrecorddeclaration (declaration_id) {_DECLARATIONS_OF_PERIOD}; END
    """,
    f"""
    CREATE TRIGGER ecf_period_updated_shares_declarations AFTER UPDATE ON ecf_trainingperiod
    WHEN NEW.lead_provider_id IS NOT NULL AND ({_KEY_CHANGED.format(differs='IS NOT')})
    BEGIN INSERT OR IGNORE INTO ecf_sharedrecorddeclaration (declaration_id) {_DECLARATIONS_OF_PERIOD}; END
    """,
    f"""
    CREATE TRIGGER ecf_declaration_inserted_shared AFTER INSERT ON ecf_declaration
    WHEN {_OTHER_PROVIDERS_PERIOD}
    BEGIN INSERT OR IGNORE INTO ecf_sharedrecorddeclaration (declaration_id) VALUES (NEW.id); END
    """,
    f"""
    CREATE TRIGGER ecf_declaration_updated_shared AFTER UPDATE ON ecf_declaration
    WHEN ({_KEY_CHANGED.format(differs='IS NOT')}) AND {_OTHER_PROVIDERS_PERIOD}
    BEGIN INSERT OR IGNORE INTO ecf_sharedrecorddeclaration (declaration_id) VALUES (NEW.id); END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER ecf_period_inserted_shares_declarations",
    "DROP TRIGGER ecf_period_updated_shares_declarations",
    "DROP TRIGGER ecf_declaration_inserted_shared",
    "DROP TRIGGER ecf_declaration_updated_shared",
]

# The declarations already on shared training records.
FILL = """
    INSERT INTO ecf_sharedrecorddeclaration (declaration_id)
    SELECT declaration.id FROM ecf_declaration declaration
    WHERE EXISTS (SELECT 1 FROM ecf_trainingperiod period
                  WHERE period.training_record_id = declaration.training_record_id
                      AND period.lead_provider_id <> declaration.lead_provider_id)
"""


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor[schema_editor.connection.vendor]:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("ecf", "0004_participant_merge_permission"),
    ]

    operations = [
        migrations.CreateModel(
            name="SharedRecordDeclaration",
            fields=[
                (
                    "declaration",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="ecf.declaration",
                    ),
                ),
            ],
        ),
        migrations.RunPython(
            _run({"postgresql": [*POSTGRESQL, FILL], "sqlite": [*SQLITE, FILL]}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
