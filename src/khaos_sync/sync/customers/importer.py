"""The customer importer: list → deleted entries → export in chunks → classify → collisions
→ plan against the shop → save in bulk → bind.

Every record ends up in the report exactly once: created, updated, linked,
unchanged, skipped (with a reason) or failed. E-mail collisions need every
record, so the specs are gathered first (a few hundred bytes each) and written
afterwards in bounded batches, one transaction per batch.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

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
from khaos_sync.protocol.client import KhaosClient
from khaos_sync.protocol.documents.customers import Company, iter_customers
from khaos_sync.protocol.documents.deleted import (
    DOCUMENT_TYPE_COMPANY,
    DeletedEntry,
    parse_deleted_entries,
)
from khaos_sync.protocol.errors import KhaosError, TransientError
from khaos_sync.store.customers import Outcome, Plan, apply_batch, plan_batch
from khaos_sync.sync.core.payloads import raw_payload
from khaos_sync.sync.core.progress import Progress
from khaos_sync.sync.core.runs import RunRecorder, resolve_failures
from khaos_sync.sync.customers.report import Entry, Report

log = logging.getLogger(__name__)

MAPPING_COMPANY_CODE = 1
FLOW = "customers"


@dataclass(frozen=True)
class Batching:
    export_chunk: int = 100
    batch_size: int = 500


class CustomerImporter:
    """One pass over Khaos's customers; ``recorder`` is None for a dry run (nothing written)."""

    def __init__(
        self,
        client: KhaosClient | None,
        report: Report,
        options: ImportOptions,
        batching: Batching,
        recorder: RunRecorder | None,
    ) -> None:
        self.client = client
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
        """Deleted and merged companies by COMPANY_ID (GetDeletedEntries, type 5)."""
        document = self.call(lambda c: c.get_deleted_entries(document_type=DOCUMENT_TYPE_COMPANY))
        entries = {
            entry.header_id: entry
            for entry in parse_deleted_entries(document)
            if entry.header_id and entry.document_type in (None, DOCUMENT_TYPE_COMPANY)
        }
        self.merged_into = {k: e.merged_into for k, e in entries.items() if e.merged_into}
        return entries

    def company_codes(self) -> list[str]:
        classes = ",".join(sorted(self.options.company_classes)) or None
        listing = self.call(lambda c: c.get_company_list(company_class_list=classes))
        return list(dict.fromkeys(e.company_code for e in listing.entries if e.company_code))

    def fetch(self, codes: list[str], progress: Progress | None) -> Iterator[Company]:
        """ExportCompany in chunks; a chunk that times out is asked for in halves."""
        size = self.batching.export_chunk
        pending = [codes[i : i + size] for i in range(0, len(codes), size)]
        while pending:
            chunk = pending.pop(0)
            try:
                document = self.call(
                    lambda c, chunk=chunk: c.export_company(
                        company_code=",".join(chunk), mapping_type=MAPPING_COMPANY_CODE
                    )
                )
            except TransientError as exc:
                if len(chunk) == 1:
                    self.fail(chunk[0], export_request(chunk), exc)
                    continue
                half = len(chunk) // 2
                pending[:0] = [chunk[:half], chunk[half:]]
                log.info("export chunk halved", extra={"size": half, "error": str(exc)})
                continue
            except KhaosError as exc:
                # A refusal or an unreadable answer: retrying now would fail again, so the
                # chunk is logged for a person to retry and the other chunks go on.
                self.fail(chunk_key(chunk), export_request(chunk), exc, codes=chunk)
                continue
            yield from self.parse_chunk(document, chunk)
            if progress:
                progress(len(chunk))

    def parse_chunk(self, document: str, chunk: list[str]) -> Iterator[Company]:
        try:
            companies = list(iter_customers(document.encode("utf-8")))
        except KhaosError as exc:
            # The raw document is kept so it can be inspected and replayed.
            self.fail(chunk_key(chunk), document, exc, codes=chunk)
            return
        returned = {c.company_code for c in companies}
        for code in chunk:
            if code not in returned:
                self.report.add(Entry(code, "", "", Outcome.SKIPPED, Reason.DELETED, NOT_EXPORTED))
        yield from companies

    def call(self, request: Callable[[KhaosClient], Any]) -> Any:
        if self.client is None:
            raise RuntimeError("this import has no Khaos client")
        self.report.khaos_calls += 1
        if self.recorder is not None:
            self.recorder.call_made()
        return request(self.client)

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
        try:
            with transaction.atomic():
                plans = plan_batch(specs, self.merged_into)
                apply_batch(plans, timezone.now())
        except Exception:
            if len(specs) == 1:
                raise
            # Find the bad record: save each on its own so the others still land.
            for spec in specs:
                self.save_alone(spec)
            return
        self.record(plans)
        resolve_failures(FLOW, [s.company_code for s in specs])

    def save_alone(self, spec: CustomerSpec) -> None:
        try:
            with transaction.atomic():
                plans = plan_batch([spec], self.merged_into)
                apply_batch(plans, timezone.now())
        except Exception as exc:  # any database or data error: log the record, go on
            self.fail(spec.company_code, json.dumps(asdict(spec), default=str), exc)
            return
        self.record(plans)
        resolve_failures(FLOW, [spec.company_code])

    def record(self, plans: list[Plan]) -> None:
        for plan in plans:
            spec = plan.spec
            detail = plan.detail or "; ".join(spec.notes)
            reason = str(plan.reason) if plan.reason else ""
            self.report.add(
                Entry(spec.company_code, spec.company_id, spec.email, plan.outcome, reason, detail)
            )
            if self.recorder is not None and plan.outcome in RUN_COUNTS:
                self.recorder.count(RUN_COUNTS[plan.outcome])

    def fail(
        self, key: str, payload: str, exc: BaseException, *, codes: Sequence[str] = ()
    ) -> None:
        if self.recorder is not None:
            self.recorder.fail(key, payload, exc)
        else:
            log.warning("record failed", extra={"flow": FLOW, "key": key, "error": str(exc)})
        for code in codes or [key]:
            self.report.add(Entry(code, "", "", Outcome.FAILED, "", f"{type(exc).__name__}: {exc}"))


NOT_EXPORTED = "listed by GetCompanyList but no longer returned by ExportCompany"
RUN_COUNTS = {
    Outcome.CREATED: "created",
    Outcome.UPDATED: "updated",
    Outcome.LINKED: "updated",
    Outcome.UNCHANGED: "unchanged",
}


def chunk_key(chunk: Sequence[str]) -> str:
    return f"ExportCompany {chunk[0]}…{chunk[-1]}"


def export_request(codes: Sequence[str]) -> str:
    """What a failed export asked for; a retry asks for the same codes again."""
    return EXPORT_REQUEST + ",".join(codes)


def requested_codes(payload: str) -> list[str] | None:
    if not payload.startswith(EXPORT_REQUEST):
        return None
    return [code for code in payload.removeprefix(EXPORT_REQUEST).split(",") if code]


EXPORT_REQUEST = "ExportCompany CompanyCode="


def raw_company(company: Company) -> str:
    return raw_payload(company)
