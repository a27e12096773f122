"""The web worker is ready for Chinese search before its first request."""

import importlib

import jieba

import config.wsgi


def test_building_the_web_application_loads_the_search_dictionary(monkeypatch):
    monkeypatch.setattr(jieba.dt, "initialized", False)

    importlib.reload(config.wsgi)

    assert jieba.dt.initialized is True
