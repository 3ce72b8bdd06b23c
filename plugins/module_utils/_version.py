# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The collection version, kept equal to galaxy.yml's by a unit test (the one version source)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

COLLECTION_VERSION = '1.1.0'
USER_AGENT = 'melissa.cicero/{0}'.format(COLLECTION_VERSION)
