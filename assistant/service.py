"""The one core service every door calls: ask, ingest (reload), documents, health."""

from __future__ import annotations

import functools
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from assistant.answering import Answerer
from assistant.db import Base, build_engine, build_sessionmaker
from assistant.drafted_routes import DraftedRoutes
from assistant.embedding import Embedder, build_embedder
from assistant.errors import BadRequestError, NotFoundError, NotReadyError
from assistant.escalation_answers import (
    answer_escalation,
    concerns_escalation,
    protocol_source,
    rules_apply,
    with_pages,
)
from assistant.escalation_rules_check import recheck_after_reload, warn_at_start
from assistant.escalations import RULES_FILE, EscalationService
from assistant.escalations.slack_notifier import build_notifier
from assistant.feedback import FeedbackRecord, FeedbackStore
from assistant.index import LoadedKB
from assistant.kb_store import DatabaseWriterLock, GenerationStore
from assistant.library import DocumentLibrary, LibraryChange, ReloadProgress, SourceFile, Upload, document_id
from assistant.migrate import upgrade
from assistant.models import Answer
from assistant.privacy import scan
from assistant.prompts import Prompts
from assistant.referral_answers import answer_referral
from assistant.referrals.models import ReferralResult
from assistant.referrals.service import ReferralService
from assistant.settings import Settings
from assistant.urgent_route import with_urgent_route
from assistant.users import UserStore
from assistant.vectorstore import build_chroma_client
from ingestion.metadata import TypeRules
from ingestion.models import FileResult
from ingestion.reload import Progress, Reloader, ReloadSummary

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000


@dataclass(frozen=True)
class DocumentRow:
    source: str
    title: str
    doc_type: str
    date: str
    version: str
    status: str
    chunks: int
    loaded_at: datetime
    reason: str
    warnings: list[str]

    @property
    def id(self) -> str:
        """URL-safe identifier of the source path, used by the web door's document links."""
        return document_id(self.source)


class Assistant:
    """Built once per process from Settings; models and clients are created here, never at import."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, chroma: Any = None) -> None:
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.engine = build_engine(settings.sqlalchemy_url)
        upgrade(self.engine)  # Alembic migrations first; then any table that has no migration yet
        Base.metadata.create_all(self.engine)
        self.sessions = build_sessionmaker(self.engine)
        self.store = GenerationStore(self.sessions)
        self.chroma = chroma if chroma is not None else build_chroma_client(settings)
        self.embedder = embedder if embedder is not None else build_embedder(
            settings.embedder, settings.embedding_package, settings.embedding_batch_size)
        self.prompts = Prompts(settings.prompts_dir)
        self.answerer = Answerer(self.embedder, settings, self.prompts)
        self._kb: LoadedKB | None = None
        self._kb_lock = threading.Lock()
        self.library = DocumentLibrary(settings, self.store, self.reload_and_warm,
                                       lambda raw, source: self.reloader().check(raw, source))
        self.feedback = FeedbackStore(self.sessions, settings.feedback_store_question)
        self.users = UserStore(self.sessions)  # who may sign in to the web door
        # Stuck-case escalations: the rules file is validated here (ConfigError explains any problem).
        self.escalations = EscalationService.from_settings(settings, engine=self.engine, embedder=self.embedder,
                                                           notifier=build_notifier(settings))
        self.drafted_routes = DraftedRoutes(self.library.root, functools.partial(
            EscalationService, sessions=self.sessions), self.embedder)
        current = self.store.current()
        warn_at_start(self.escalations, self.store.manifest(current.id) if current else [])

    # -- knowledge base -----------------------------------------------------------------------------------
    def knowledge_base(self) -> LoadedKB:
        """The current generation, reloaded when another process (or a reload here) has switched the pointer."""
        current = self.store.current()
        if current is None:
            raise NotReadyError(self.prompts.get("no_knowledge_base"))
        kb = self._kb
        if kb is not None and kb.generation_id == current.id:
            return kb
        with self._kb_lock:
            if self._kb is None or self._kb.generation_id != current.id:
                self._kb = LoadedKB(current.id, self.chroma, self.store.manifest(current.id))
            return self._kb

    def reloader(self) -> Reloader:
        s = self.settings
        return Reloader(self.store, self.chroma, self.embedder, TypeRules.load(s.rules_dir / "document-types.yaml"),
                        lock_path=s.data_dir / "reload.lock", max_chunk_chars=s.chunk_max_chars,
                        min_chunk_chars=s.chunk_min_chars, max_file_bytes=s.max_file_bytes,
                        ignore=s.ingest_ignore, lock_timeout=s.reload_lock_timeout,
                        batch_size=s.embedding_batch_size, db_lock=DatabaseWriterLock(self.engine))

    def ingest(self, folder: Path | None = None, progress: Progress | None = None,
               refused: list[FileResult] | None = None) -> ReloadSummary:
        """Reload ``folder``; ``refused`` are files turned away before the reload, reported in its summary."""
        summary = self.reloader().reload(folder or self.settings.knowledge_dir, progress,
                                         released=self.store.released(), extra_skipped=refused)
        kb = self.knowledge_base()  # load the new generation now rather than on the first question
        recheck_after_reload(self.escalations, self.settings.rules_dir / RULES_FILE, kb.manifest, summary.files)
        return summary

    def reload_and_warm(self, root: Path, progress: Progress | None = None,
                        refused: list[FileResult] | None = None) -> ReloadSummary:
        """A reload asked for while serving (web upload, Slack): the new generation is warmed before staff ask."""
        summary = self.ingest(root, progress, refused)
        self.warm()
        return summary

    def warm(self) -> None:
        """Load the current generation and build what questions derive from it once (the referral directory,
        escalation rules drafted from its protocol), so the first question after a start or reload is not the slow
        one. Nothing to do before the first ingest; a failure here is logged and left to the first question."""
        if self.store.current() is None:
            return
        started = time.perf_counter()
        try:
            kb = self.knowledge_base()
            self.embedder.embed(["warm up"])
            self.referrals.directory(kb)
            self._escalation_routes(kb)
        except Exception:  # the question that needs it builds it again and reports any error to the person asking
            log.warning("warming generation caches failed", exc_info=True)
            return
        log.info("generation %s warmed in %.0f ms", kb.generation_id, (time.perf_counter() - started) * 1000)

    def release(self, source: str, released_by: str = "", progress: Progress | None = None) -> ReloadSummary:
        """Release a quarantined document a policy officer has checked, then reload so it becomes searchable.

        The release is for these exact bytes (recorded by hash): a changed file is screened again.
        """
        current = self.store.current()
        entry = next((m for m in self.store.manifest(current.id) if m.source == source), None) if current else None
        if current is None or entry is None:
            raise NotFoundError(f"There is no document '{source}' in the knowledge base.")
        if entry.status != "quarantined":
            raise BadRequestError(f"'{source}' is not quarantined.")
        self.store.release(entry.sha256, source, released_by)
        log.info("quarantined file released (sha256 %s…)", entry.sha256[:12])
        return self.reload_and_warm(Path(current.root), progress)

    # -- questions ----------------------------------------------------------------------------------------
    def ask(self, question: str) -> Answer:
        question = (question or "").strip()
        if not question:
            raise BadRequestError("Please type a question.")
        if len(question) > MAX_QUESTION_CHARS:
            raise BadRequestError(f"Please keep questions under {MAX_QUESTION_CHARS} characters.")
        started = time.perf_counter()
        kb = self.knowledge_base()
        try:
            answer = self.answerer.answer(kb, question)
        except Exception:
            current = self.store.current()
            if current is None or current.id == kb.generation_id:
                raise
            # Reloads switched generations twice while this question ran, so its generation was dropped: ask
            # the current one (an answer always comes wholly from one generation).
            kb = self.knowledge_base()
            answer = self.answerer.answer(kb, question)
        plain = self.answerer.shorthand.expand(question)  # "ooh" is out of hours to every door
        answer = answer_referral(self.referrals, kb, plain, answer, self.prompts) or answer  # pathway, step, owner
        routes = self._escalation_routes(kb)
        routed = answer_escalation(routes, kb.manifest, plain, answer,  # who to escalate to
                                   reviewed=routes is self.escalations, prompts=self.prompts,
                                   spell_out=lambda text: kb.expand(text, self.embedder.is_common_word)[0])
        if routed is not None and routes is not self.escalations:
            routed.warnings.append(self.prompts.get("escalation_drafted").format(title=routes.rules.protocol.title))
        answer = with_pages(kb, routed) if routed is not None else answer
        if routed is not None or concerns_escalation(plain, [lv.name for lv in routes.rules.levels]):
            # A stuck case that cannot wait: the protocol's own emergency advice comes before its ladder.
            answer = with_urgent_route(kb, protocol_source(routes.rules, kb.manifest), plain, answer)
        answer.generation = kb.generation_id
        personal = scan(question)
        if personal.found:
            kinds = ", ".join(personal.kinds)
            answer.warnings.append(self.prompts.get("personal_data_in_question").format(kinds=kinds))
        # Question text is never logged at INFO: it may hold case details.
        log.info("answered %s in %.0f ms (abstained=%s, citations=%d)", answer.answer_id,
                 (time.perf_counter() - started) * 1000, answer.abstained, len(answer.citations))
        return answer

    def _escalation_routes(self, kb: LoadedKB) -> EscalationService:
        """The reviewed rules when their protocol file is in this knowledge base; otherwise rules drafted from the
        protocol it does hold (for answering only), else the reviewed rules (which then answer nothing here)."""
        if rules_apply(self.escalations.rules, kb.manifest):
            return self.escalations
        return self.drafted_routes.for_generation(kb.generation_id, kb.manifest) or self.escalations

    # -- referrals (the directory follows each reload) -------------------------------------------------------
    @cached_property
    def referrals(self) -> ReferralService:
        return ReferralService(self.embedder, self.store, self.settings.rules_dir)

    def find_referral(self, situation: str) -> ReferralResult:
        """Referral pathways that fit a situation told in plain words, best first, each field with its citation."""
        return self.referrals.find(self.knowledge_base(), situation)

    def documents(self) -> list[DocumentRow]:
        current = self.store.current()
        if current is None:
            return []
        return [DocumentRow(source=m.source, title=m.title, doc_type=m.doc_type, date=m.doc_date, version=m.version,
                            status=m.status, chunks=len(m.chunk_ids), loaded_at=m.loaded_at, reason=m.reason,
                            warnings=list(m.warnings)) for m in self.store.manifest(current.id)]

    def health(self) -> dict[str, Any]:
        current = self.store.current()
        return {"status": "ok" if current else "empty", "generation": current.id if current else None}

    # -- documents (policy officers) and feedback -----------------------------------------------------------
    def upload(self, uploads: list[Upload], folder: str = "", replaces: str | None = None) -> LibraryChange:
        """Save uploaded files into the knowledge folder (bad ones are refused by name), then reload."""
        return self.library.upload(uploads, folder, replaces)

    def remove_document(self, doc_id: str) -> LibraryChange:
        return self.library.remove(doc_id)

    def document_source(self, doc_id: str) -> SourceFile:
        return self.library.source(doc_id)

    def reload_progress(self) -> ReloadProgress:
        return self.library.progress()

    def record_feedback(self, answer_id: str, helpful: bool, comment: str | None = None,
                        question: str | None = None) -> FeedbackRecord:
        return self.feedback.record(answer_id, helpful, comment, question)
