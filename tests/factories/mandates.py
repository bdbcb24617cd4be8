import factory

from mandates.models import Call, CallTarget, Mandate, Organisation, Province


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("nis_code",)

    name = "Limburg"
    nis_code = "70000"
    iso_code = "BE-VLI"


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    number = factory.Sequence(lambda n: 1000 + n)
    title = factory.LazyAttribute(lambda o: f"Oproep {o.number}")
    target = CallTarget.SE


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisatie {n}")


class MandateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mandate

    project_number = factory.Sequence(lambda n: 90000 + n)
    name = factory.Sequence(lambda n: f"Project {n}")
    call = factory.SubFactory(CallFactory)
    promoter = factory.SubFactory(OrganisationFactory)
    promoter_as_written = factory.LazyAttribute(lambda o: o.promoter.name)
