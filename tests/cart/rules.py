"""Throwaway pricing rules for tests: registered for one block, then removed again."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from apps.cart.pricing import discount_rules, purchase_limit_rules, unit_price_rules


@contextmanager
def unit_price_rule_in_force(function: Callable, *, name: str, order: int = 100) -> Iterator:
    unit_price_rules.register(name=name, order=order)(function)
    try:
        yield
    finally:
        unit_price_rules.unregister(name)


@contextmanager
def discount_rule_in_force(function: Callable, *, name: str, order: int = 100) -> Iterator:
    discount_rules.register(name=name, order=order)(function)
    try:
        yield
    finally:
        discount_rules.unregister(name)


@contextmanager
def rules_left_out(*names: str) -> Iterator:
    """Registered rules (of any kind) taken out for one block, then put back as they were."""
    taken = []
    for registry in (unit_price_rules, discount_rules, purchase_limit_rules):
        for rule in list(registry):
            if rule.name in names:
                registry.unregister(rule.name)
                taken.append((registry, rule))
    try:
        yield
    finally:
        for registry, rule in taken:
            registry.register(name=rule.name, order=rule.order)(rule.function)
