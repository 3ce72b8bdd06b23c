# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Where the Cicero API answers: the default of api_url, which the client sends to and the parser's messages name.

A file of its own so that parsing an answer does not import the HTTP client (and requests with it).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DEFAULT_API_URL = 'https://app.cicerodata.com/v3.1'
