"""The customer importer: list → deleted entries → export in chunks → classify → collisions
→ plan against the shop → save in bulk → bind.

Every record ends up in the report exactly once: created, updated, linked,
unchanged, skipped (with a reason) or failed. E-mail collisions need every
record, so the specs are gathered first (a few hundred bytes each) and written
afterwards in bounded batches, one transaction per batch.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.utils import timezone

from khaos_sync.backends.base import FetchFailure, KhaosBackend
from khaos_sync.mappers.customers import (
    CustomerSpec,
    Decision,
    ImportOptions,
    Reason,
    Skip,
    classify,
    collision_skip,
    email_collisions,
)
from khaos_sync.protocol.documents.customers import Company
from khaos_sync.protocol.documents.deleted import DOCUMENT_TYPE_COMPANY, DeletedEntry
from khaos_sync.store.customers import Outcome, Plan, apply_batch, plan_batch
from khaos_sync.sync.core.batches import SplitOnFailure
from khaos_sync.sync.core.payloads import raw_payload
from khaos_sync.sync.core.progress import Progress
from khaos_sync.sync.core.runs import RunRecorder, resolve_failures
from khaos_sync.sync.customers.report import Entry, Report

log = logging.getLogger(__name__)

FLOW = "customers"


@dataclass(frozen=True)
class Batching:
    export_chunk: int = 100
    batch_size: int = 500


class CustomerImporter:
    """One pass over Khaos's customers; ``recorder`` is None for a dry run (nothing written)."""

    def __init__(
        self,
        backend: KhaosBackend | None,
        report: Report,
        options: ImportOptions,
        batching: Batching,
        recorder: RunRecorder | None,
    ) -> None:
        self.backend = backend
        if backend is not None:
            backend.on_request = self.count_call
        self.report = report
        self.options = options
        self.batching = batching
        self.recorder = recorder
        self.merged_into: dict[str, str] = {}

    @property
    def dry_run(self) -> bool:
        return self.recorder is None

    # --- the run ---

    def run(self, progress: Progress | None = None) -> None:
        deleted = self.deleted_companies()
        codes = self.company_codes()
        companies = self.fetch(codes, progress)
        self.import_companies(companies, deleted)

    def run_codes(self, codes: Sequence[str]) -> None:
        """Import named records again (a retry from the dashboard)."""
        self.import_companies(self.fetch(list(codes), None), self.deleted_companies())

    def import_companies(
        self, companies: Iterable[Company], deleted: dict[str, DeletedEntry]
    ) -> None:
        specs = self.importable(self.classified(companies, deleted))
        for start in range(0, len(specs), self.batching.batch_size):
            self.save(specs[start : start + self.batching.batch_size])

    # --- asking Khaos ---

    def deleted_companies(self) -> dict[str, DeletedEntry]:
        """Deleted and merged companies by COMPANY_ID."""
        entries = {
            entry.header_id: entry
            for entry in self.khaos.deleted_customers()
            if entry.header_id and entry.document_type in (None, DOCUMENT_TYPE_COMPANY)
        }
        self.merged_into = {k: e.merged_into for k, e in entries.items() if e.merged_into}
        return entries

    def company_codes(self) -> list[str]:
        return self.khaos.customer_codes(sorted(self.options.company_classes))

    def fetch(self, codes: list[str], progress: Progress | None) -> Iterator[Company]:
        """The records of ``codes``; a chunk that could not be fetched or read is kept failed."""
        for result in self.khaos.customers(codes, self.batching.export_chunk, progress):
            if isinstance(result, FetchFailure):
                self.fail_chunk(result)
                continue
            returned = {c.company_code for c in result.companies}
            for code in result.codes:
                if code not in returned:
                    self.report.add(
                        Entry(code, "", "", Outcome.SKIPPED, Reason.DELETED, NOT_EXPORTED)
                    )
            yield from result.companies

    def fail_chunk(self, failure: FetchFailure) -> None:
        codes = failure.codes
        if len(codes) == 1 and not failure.arrived:
            self.fail(codes[0], export_request(codes), failure.error)
            return
        # A document that arrived is kept so it can be inspected and replayed;
        # otherwise the codes, for a person to ask for again.
        payload = failure.payload if failure.arrived and failure.payload else export_request(codes)
        self.fail(chunk_key(codes), payload, failure.error, codes=codes)

    @property
    def khaos(self) -> KhaosBackend:
        if self.backend is None:
            raise RuntimeError("this import has no Khaos backend")
        return self.backend

    def count_call(self) -> None:
        self.report.khaos_calls += 1
        if self.recorder is not None:
            self.recorder.call_made()

    # --- deciding ---

    def classified(
        self, companies: Iterable[Company], deleted: dict[str, DeletedEntry]
    ) -> Iterator[CustomerSpec]:
        for company in companies:
            try:
                decision: Decision = classify(company, self.options, deleted)
            except Exception as exc:  # a record the mapper cannot read: log it, go on
                self.fail(company.company_code or "?", raw_company(company), exc)
                continue
            if isinstance(decision, Skip):
                self.add_skip(decision)
            else:
                yield decision

    def importable(self, specs: Iterable[CustomerSpec]) -> list[CustomerSpec]:
        """Two Khaos records with one e-mail cannot both own one login: neither is imported,
        and both are reported so a person can merge them in Khaos and import again."""
        gathered = list(specs)
        collisions = email_collisions(gathered)
        kept = []
        for spec in gathered:
            sharing = collisions.get(spec.email_key)
            if sharing:
                self.add_skip(collision_skip(spec, sharing))
            else:
                kept.append(spec)
        return kept

    def add_skip(self, skip: Skip) -> None:
        self.report.add(
            Entry(
                skip.company_code,
                skip.company_id,
                skip.email,
                Outcome.SKIPPED,
                str(skip.reason),
                skip.detail,
            )
        )

    # --- writing ---

    def save(self, specs: list[CustomerSpec]) -> None:
        if self.dry_run:
            self.record(plan_batch(specs, self.merged_into))
            return
        SplitOnFailure(self.write, self.landed, self.failed_alone)(specs)

    def write(self, specs: Sequence[CustomerSpec]) -> list[Plan]:
        plans = plan_batch(list(specs), self.merged_into)
        apply_batch(plans, timezone.now())
        return plans

    def landed(self, specs: Sequence[CustomerSpec], plans: list[Plan]) -> None:
        self.record(plans)
        resolve_failures(FLOW, [s.company_code for s in specs])

    def failed_alone(self, spec: CustomerSpec, exc: Exception) -> None:
        self.fail(spec.company_code, raw_payload(spec), exc)

    def record(self, plans: list[Plan]) -> None:
        for plan in plans:
            spec = plan.spec
            detail = plan.detail or "; ".join(spec.notes)
            reason = str(plan.reason) if plan.reason else ""
            self.report.add(
                Entry(spec.company_code, spec.company_id, spec.email, plan.outcome, reason, detail)
            )
            if self.recorder is not None:
                self.recorder.count_outcome(plan.outcome, LINKED_COUNTS_AS_UPDATED)

    def fail(
        self, key: str, payload: str, exc: BaseException, *, codes: Sequence[str] = ()
    ) -> None:
        if self.recorder is not None:
            self.recorder.fail(key, payload, exc)
        else:
            log.warning("record failed", extra={"flow": FLOW, "key": key, "error": str(exc)})
        for code in codes or [key]:
            self.report.add(Entry(code, "", "", Outcome.FAILED, "", f"{type(exc).__name__}: {exc}"))


NOT_EXPORTED = "listed among Khaos's customers but no longer exported by it"
LINKED_COUNTS_AS_UPDATED: dict[str, str] = {Outcome.LINKED: "updated"}


def chunk_key(chunk: Sequence[str]) -> str:
    return f"{CHUNK_KEY}{chunk[0]}…{chunk[-1]}"


def export_request(codes: Sequence[str]) -> str:
    """What a failed export asked for; a retry asks for the same codes again."""
    return EXPORT_REQUEST + ",".join(codes)


def requested_codes(payload: str) -> list[str] | None:
    if not payload.startswith(EXPORT_REQUEST):
        return None
    return [code for code in payload.removeprefix(EXPORT_REQUEST).split(",") if code]


# A failed chunk's key, and the payload of a failure nothing arrived for: names of
# the domain, not of a transport's operations, so retries work on any transport.
CHUNK_KEY = "customers "
EXPORT_REQUEST = "customers codes="


def raw_company(company: Company) -> str:
    return raw_payload(company)
